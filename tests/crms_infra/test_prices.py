"""`crms-infra prices` (`make prices`) against a local server that serves offer files shaped as
the AWS Price List's: what changed is printed, `--write` puts it in the files, and a source
that cannot be read stops it with one sentence and no file changed."""

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from decimal import Decimal
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from crms_pricing.prices import PRICES_DIR, PriceBook

from crms_infra.cli import main

PUBLISHED = "2026-11-20T00:00:00Z"


def offer(usagetype: str, dimensions: list[dict[str, Any]]) -> dict[str, Any]:
    """An offer file with one product of `usagetype`, priced by `dimensions` (and a decoy)."""
    return {
        "formatVersion": "v1.0",
        "offerCode": "AmazonS3",
        "publicationDate": PUBLISHED,
        "products": {
            "SKU1": {"sku": "SKU1", "attributes": {"usagetype": usagetype}},
            "DECOY": {"sku": "DECOY", "attributes": {"usagetype": usagetype + "-Other"}},
        },
        "terms": {
            "OnDemand": {
                "SKU1": {"SKU1.T": {"priceDimensions": dict(enumerate(dimensions))}},
                "DECOY": {"DECOY.T": {"priceDimensions": {"x": dimension("99", "GB-Mo")}}},
            }
        },
    }  # fmt: skip


def dimension(price: str, unit: str, begin: str = "0") -> dict[str, Any]:
    return {"unit": unit, "pricePerUnit": {"USD": price}, "beginRange": begin, "endRange": "Inf"}


@pytest.fixture
def prices_dir(tmp_path: Path) -> Path:
    """A copy of the price files, reduced to one AWS entry with a refresh spec."""
    copy = tmp_path / "prices"
    shutil.copytree(PRICES_DIR, copy)
    aws = json.loads((copy / "aws.json").read_text())
    key = "s3.eu-central-2.standard_gb_month"
    aws["prices"] = {key: aws["prices"][key]}
    (copy / "aws.json").write_text(json.dumps(aws, indent=2))
    return copy


@pytest.fixture
def price_list(tmp_path: Path) -> Iterator[Path]:
    """A loopback server of the files under the returned folder; its address in `.url`."""
    root = tmp_path / "price-list"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    (root / ".url").write_text(f"http://127.0.0.1:{server.server_address[1]}")
    yield root
    server.shutdown()
    server.server_close()


def serve(root: Path, document: dict[str, Any]) -> str:
    folder = root / "offers/v1.0/aws/AmazonS3/current/eu-central-2"
    folder.mkdir(parents=True)
    (folder / "index.json").write_text(json.dumps(document))
    return (root / ".url").read_text()


def run(prices_dir: Path, url: str, *extra: str) -> int:
    return main(["prices", "--price-list", url, "--prices-dir", str(prices_dir), *extra])


def test_a_new_price_is_shown_and_written_with_the_date_its_source_states(
    prices_dir: Path, price_list: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiers = [dimension("0.0245", "GB-Mo"), dimension("0.0235", "GB-Mo", begin="51200")]
    url = serve(price_list, offer("EUC2-TimedStorage-ByteHrs", tiers))
    before = (prices_dir / "aws.json").read_text()
    assert run(prices_dir, url) == 0
    shown = capsys.readouterr().out
    assert (
        "aws:s3.eu-central-2.standard_gb_month: unknown → $0.0245 (dated no date → 2026-11-20"
        in shown
    )
    assert "1 changes; run with --write" in shown
    assert (prices_dir / "aws.json").read_text() == before  # shown, not written

    assert run(prices_dir, url, "--write", "--today", "2026-12-01") == 0
    price = PriceBook.load(prices_dir).price("aws:s3.eu-central-2.standard_gb_month")
    assert (price.usd, price.stated, price.read, price.unknown) == (
        Decimal("0.0245"),
        "2026-11-20",
        "2026-12-01",
        "",
    )
    assert price.source == (
        "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-central-2/"
        "index.json"
    )
    capsys.readouterr()
    assert run(prices_dir, url) == 0
    assert "as its source states" in capsys.readouterr().out


def test_a_free_tier_listed_at_zero_is_not_the_price(prices_dir: Path, price_list: Path) -> None:
    tiers = [dimension("0", "GB-Mo"), dimension("0.0269", "GB-Mo", begin="5")]
    url = serve(price_list, offer("EUC2-TimedStorage-ByteHrs", tiers))
    assert run(prices_dir, url, "--write") == 0
    price = PriceBook.load(prices_dir).price("aws:s3.eu-central-2.standard_gb_month")
    assert price.usd == Decimal("0.0269")


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (offer("EUC2-Other", [dimension("1", "GB-Mo")]), "no paid on-demand price"),
        (offer("EUC2-TimedStorage-ByteHrs", [dimension("1", "Hrs")]), "priced per 'Hrs'"),
        ({"not": "an offer"}, "not an offer file"),
    ],
)
def test_a_source_without_the_price_changes_nothing(
    prices_dir: Path,
    price_list: Path,
    capsys: pytest.CaptureFixture[str],
    document: dict[str, Any],
    words: str,
) -> None:
    before = (prices_dir / "aws.json").read_text()
    assert run(prices_dir, serve(price_list, document), "--write") == 2
    error = capsys.readouterr().err
    assert words in error
    assert "no price file was changed" in error
    assert (prices_dir / "aws.json").read_text() == before


def test_offline_it_stops_with_one_sentence_and_changes_nothing(
    prices_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    before = (prices_dir / "aws.json").read_text()
    assert run(prices_dir, url, "--write") == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"error: cannot read {url}/offers/v1.0/aws/AmazonS3/current/")
    assert error.endswith("no price file was changed")
    assert len(error.splitlines()) == 1
    assert (prices_dir / "aws.json").read_text() == before


def test_every_aws_price_of_unknown_value_names_the_source_that_fills_it() -> None:
    book = PriceBook.load()
    unknown = [p for p in book.prices.values() if p.vendor == "AWS" and p.usd is None]
    assert unknown  # while this workplace cannot reach the Price List
    assert all(p.unknown for p in unknown)
    assert [p.key for p in unknown if p.refresh is None] == ["aws:s3.replication_time_control_gb"]
