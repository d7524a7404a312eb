"""A stack's estimate as text, Markdown or JSON: every line with its price's page and date,
subtotals per provider and per component, and the month's total."""

import json
from decimal import Decimal
from typing import Any

from crms_pricing.model import Estimate, Line, usd

from crms_infra.cost.plan_costs import PlanCost

CURRENCY = "USD"


def headline(cost: PlanCost) -> str:
    estimate = cost.estimate
    parts = [f"{usd(estimate.total)} a month ({CURRENCY})"]
    if estimate.unknown:
        parts.append(f"{estimate.unknown} of {len(estimate.lines)} lines unknown, not counted")
    parts.append(f"{usd(estimate.from_settings)} rests on usage settings")
    parts.append(f"prices read {estimate.oldest_price_date} at the oldest")
    if cost.budget is not None:
        verdict = "over" if estimate.total > cost.budget else "within"
        parts.append(f"{verdict} the budget of {usd(cost.budget)}")
    return "; ".join(parts)


def cost_text(cost: PlanCost) -> str:
    estimate = cost.estimate
    lines = [f"{cost.stack}: {headline(cost)}", ""]
    for provider in estimate.subtotals("provider"):
        lines.append(provider)
        for line in estimate.lines:
            if line.provider == provider:
                marker = "*" if line.settings else " "
                lines.append(
                    f" {marker} {line.component:<9} {line.name:<32} {line.what}: "
                    f"{_quantity(line)} x {_unit_price(line)} = {usd(line.monthly)}"
                    f"  [{line.source}, {_dates(line)}]"
                )
        lines.append("")
    lines.append("* rests on usage settings: " + ", ".join(_settings(estimate)))
    lines.extend(["", "Per provider:"])
    lines.extend(_subtotal_lines(estimate, "provider"))
    lines.extend(["", "Per component:"])
    lines.extend(_subtotal_lines(estimate, "component"))
    lines.extend(["", f"Total: {usd(estimate.total)} a month"])
    return "\n".join(lines) + "\n"


def cost_markdown(cost: PlanCost) -> str:
    estimate = cost.estimate
    lines = [f"### Monthly cost of `{cost.stack}`", "", f"**{headline(cost)}**", ""]
    lines += [
        "| provider | component | resource | what | quantity | unit price | month | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for line in estimate.lines:
        what = line.what + (f" (usage: {', '.join(line.settings)})" if line.settings else "")
        lines.append(
            f"| {line.provider} | {line.component} | `{line.name}` | {_cell(what)} "
            f"| {_quantity(line)} | {_unit_price(line)} | {usd(line.monthly)} "
            f"| [{_cell(_host(line.source))}]({line.source}), {_dates(line)} |"
        )
    for attribute in ("provider", "component"):
        lines.extend(["", f"**Per {attribute}**", ""])
        lines.extend(f"- {entry.strip()}" for entry in _subtotal_lines(estimate, attribute))
    return "\n".join(lines) + "\n"


def cost_json(cost: PlanCost) -> str:
    estimate = cost.estimate
    document: dict[str, Any] = {
        "stack": cost.stack,
        "currency": CURRENCY,
        "totalUsd": _number(estimate.total),
        "unknownLines": estimate.unknown,
        "fromSettingsUsd": _number(estimate.from_settings),
        "oldestPriceDate": estimate.oldest_price_date,
        "budgetUsd": _number(cost.budget),
        "lines": [_line_json(line) for line in estimate.lines],
        "subtotals": {
            attribute: {k: _number(v) for k, v in estimate.subtotals(attribute).items()}
            for attribute in ("provider", "component")
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _line_json(line: Line) -> dict[str, Any]:
    return {
        "urn": line.urn,
        "name": line.name,
        "provider": line.provider,
        "component": line.component,
        "what": line.what,
        "unit": line.unit,
        "quantity": _number(line.quantity),
        "unitPriceUsd": _number(line.unit_price),
        "perUnits": _number(line.block),
        "monthlyUsd": _number(line.monthly),
        "price": line.price_key,
        "source": line.source,
        "read": line.read,
        "stated": line.stated or None,
        "settings": list(line.settings),
        "unknownReason": line.unknown or None,
    }


def _number(amount: Decimal | None) -> float | int | None:
    """A Decimal as JSON writes it: whole numbers as integers, the rest as their shortest float."""
    if amount is None:
        return None
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _subtotal_lines(estimate: Estimate, attribute: str) -> list[str]:
    return [f"  {key}: {usd(value)}" for key, value in estimate.subtotals(attribute).items()]


def _settings(estimate: Estimate) -> list[str]:
    return list(dict.fromkeys(setting for line in estimate.lines for setting in line.settings))


def _quantity(line: Line) -> str:
    """To four decimals at most: a region's share of an hour needs no more."""
    return f"{line.quantity.quantize(Decimal('0.0001')).normalize():,f} {line.unit}"


def _unit_price(line: Line) -> str:
    if line.unit_price is None:
        return "unknown"
    sign = "-" if line.unit_price < 0 else ""
    per = f" per {line.block.normalize():,f}" if line.block != 1 else ""
    return f"{sign}${abs(line.unit_price).normalize():f}{per}"


def _dates(line: Line) -> str:
    return f"read {line.read}" + (f", dated {line.stated}" if line.stated else "")


def _host(url: str) -> str:
    return url.removeprefix("https://").split("/", 1)[0]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
