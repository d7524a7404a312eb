"""The metrics probe: database disk usage, as a percentage of the plan's disk.

PostgreSQL cannot report its volume's free space through SQL, so usage is the
size of all databases over the disk the Supabase plan provides
(DATABASE_DISK_BYTES). Published as DatabaseDiskUsage for the low_disk_space alarm.
"""

import psycopg

QUERY = "SELECT sum(pg_database_size(datname))::bigint FROM pg_database"


def disk_usage_percent(database_url: str, disk_bytes: int, timeout: float = 5.0) -> float:
    if disk_bytes <= 0:
        raise ValueError("the disk size must be positive")
    with psycopg.connect(database_url, connect_timeout=int(max(1, timeout))) as conn:
        conn.execute(f"SET statement_timeout = {int(timeout * 1000)}")
        row = conn.execute(QUERY).fetchone()
    used = int(row[0]) if row and row[0] is not None else 0
    return round(100 * used / disk_bytes, 2)
