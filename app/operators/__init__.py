"""What operators run: the migration runner and its SQL, the backup and restore CLI."""
