"""What a shareable link holds, encoded and parsed: the scenario (``?s=``) and the Compare
page's saved scenarios (``?c=``), each compressed JSON in URL-safe base64, with the size
caps that keep a hostile link cheap to refuse. No session here: ui.state reads and writes
the URL with these.

The saved scenarios travel as one bundle, compressed like ``?s=``:
``{"version": 1, "scenarios": [{"name", "scenario", "strategy", "plan"}, ...]}``. The same
JSON, uncompressed, is the "Download comparison (JSON)" file.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import zlib
from collections.abc import Mapping

from forecasting.model.errors import ScenarioError
from forecasting.model.months import parse_json
from forecasting.model.scenario import Scenario
from forecasting.plan.solver import Strategy
from ui.text import strip_bidi

#: Whether the ML engineer plan follows the solver's recommendation or was edited by hand.
PLAN_RECOMMENDED = "recommended"
PLAN_MANUAL = "manual"
PLAN_MODES = (PLAN_RECOMMENDED, PLAN_MANUAL)

#: A link longer than this is refused before decoding (a real scenario is < 1 kB).
MAX_TOKEN_CHARS = 8_000
#: Decompressed JSON larger than this is refused (guards against zip bombs in links).
MAX_JSON_BYTES = 64_000


@functools.lru_cache(maxsize=64)
def encode_scenario(scenario: Scenario) -> str:
    """Return a compact, URL-safe token for a scenario (compressed JSON); equal scenarios
    (frozen, hashable) are encoded once (a run asks for its link up to four times)."""
    raw = json.dumps(scenario.to_dict(), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def _inflate(token: str, max_chars: int, max_bytes: int, what: str) -> bytes:
    """The JSON bytes in a link token (URL-safe base64 of zlib), within the size caps.

    Raises:
        ScenarioError: the token is too long, truncated, corrupt, or inflates past
            `max_bytes` (a zip bomb); `what` names the content ("scenario").
    """
    if len(token) > max_chars:
        raise ScenarioError(f"the link is longer than {max_chars} characters")
    try:
        packed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, max_bytes)
        if inflater.unconsumed_tail or (not inflater.eof and len(raw) >= max_bytes):
            # Output stopped at the cap with input left (a zip bomb): too large, not cut.
            raise ScenarioError(
                f"the link's {what} is too large (over {max_bytes // 1000:,} kB unpacked)"
            )
        if not inflater.eof or inflater.unused_data:
            # A stream cut short (no end, no checksum) or with bytes after its end.
            raise ScenarioError("the link looks cut off or altered")
    except (binascii.Error, zlib.error, ValueError) as exc:
        if isinstance(exc, ScenarioError):
            raise
        raise ScenarioError("the link looks cut off or altered") from None
    return raw


def decode_scenario(token: str) -> Scenario:
    """Parse a token made by :func:`encode_scenario`.

    Raises:
        ScenarioError: the token is truncated, corrupt or describes an invalid scenario.
    """
    return Scenario.from_json(_inflate(token, MAX_TOKEN_CHARS, MAX_JSON_BYTES, "scenario"))


#: At most this many saved scenarios (the page and a link's ?c= hold all of them).
MAX_SAVED = 12
#: A saved scenario's name is user text: bidi controls dropped, at most this long.
MAX_NAME_CHARS = 40
#: A ?c= longer than this is refused, and so is a save that would make it longer: the
#: whole link must fit the server's 16 kB request head (uvicorn's h11 limit) with its ?s=.
#: Twelve variants of one team take about 2,000 characters, twelve different teams 14,000.
MAX_BUNDLE_TOKEN_CHARS = 12_000
#: Bundle JSON (inflated from a link, or a file) larger than this is refused: twelve
#: scenarios at the single-scenario cap.
MAX_BUNDLE_JSON_BYTES = MAX_SAVED * MAX_JSON_BYTES
BUNDLE_VERSION = 1
_BUNDLE_KEYS = ("version", "scenarios")
_ITEM_KEYS = ("name", "scenario", "strategy", "plan")


def saved_name(text: object) -> str:
    """A name as saved: bidi controls dropped, white space collapsed, MAX_NAME_CHARS at most."""
    return " ".join(strip_bidi(str(text)).split())[:MAX_NAME_CHARS].strip()


def entry(scenario: Scenario, strategy_value: str, plan: str) -> dict:
    """A saved scenario's record: the base scenario, its strategy and plan mode."""
    return {"scenario": scenario, "strategy": strategy_value, "plan": plan}


def bundle(records: Mapping[str, Mapping]) -> dict:
    """The comparison bundle of saved scenarios (JSON-ready)."""
    return {
        "version": BUNDLE_VERSION,
        "scenarios": [
            {
                "name": name,
                "scenario": e["scenario"].to_dict(),
                "strategy": e["strategy"],
                "plan": e["plan"],
            }
            for name, e in records.items()
        ],
    }


def bundle_json(records: Mapping[str, Mapping]) -> str:
    """The "Download comparison (JSON)" file: the bundle, indented."""
    return json.dumps(bundle(records), indent=2, ensure_ascii=False)


@functools.lru_cache(maxsize=32)
def _encode_items(items: tuple[tuple[str, Scenario, str, str], ...]) -> str:
    records = {name: entry(sc, strat, plan) for name, sc, strat, plan in items}
    raw = json.dumps(bundle(records), separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode("ascii").rstrip("=")


def encode_bundle(records: Mapping[str, Mapping]) -> str:
    """The link's ?c= token for saved scenarios (compressed bundle JSON, as ?s=)."""
    items = tuple((n, e["scenario"], e["strategy"], e["plan"]) for n, e in records.items())
    return _encode_items(items)


def _item(i: int, item: object, seen: set[str]) -> tuple[str, dict]:
    where = f"comparison.scenarios[{i}]"
    if not isinstance(item, Mapping):
        raise ScenarioError(f'{where}: expected an object {{"name": ..., "scenario": {{...}}}}')
    unknown = [str(k) for k in item if k not in _ITEM_KEYS]
    if unknown:
        known = ", ".join(_ITEM_KEYS)
        raise ScenarioError(f"{where}.{unknown[0]}: unknown key; known keys: {known}")
    if not isinstance(item.get("name"), str) or not saved_name(item["name"]):
        raise ScenarioError(f"{where}.name: give each saved scenario a name (text)")
    name = saved_name(item["name"])
    if name in seen:
        raise ScenarioError(f"{where}.name: “{name}” is used twice; names must differ")
    if "scenario" not in item:
        raise ScenarioError(f"{where}.scenario: missing; give the scenario object")
    try:
        scenario = Scenario.from_dict(item["scenario"])
    except ScenarioError as exc:
        raise ScenarioError(f"{where}.scenario: {exc}") from None
    strategies = [s.value for s in Strategy]
    strat = item.get("strategy", Strategy.EVEN.value)
    if strat not in strategies:
        raise ScenarioError(f"{where}.strategy: use one of {', '.join(strategies)}")
    plan = item.get("plan", PLAN_RECOMMENDED)
    if plan not in PLAN_MODES:
        raise ScenarioError(f"{where}.plan: use one of {', '.join(PLAN_MODES)}")
    return name, entry(scenario, str(strat), str(plan))


def parse_bundle(data: object) -> dict[str, dict]:
    """Saved scenarios from a parsed bundle: name -> record, in the bundle's order.

    Raises:
        ScenarioError: naming the key at fault (``comparison.scenarios[1].strategy``) and
            how to fix it.
    """
    if not isinstance(data, Mapping):
        raise ScenarioError('comparison: expected an object {"version": 1, "scenarios": [...]}')
    if "headcount" in data and "scenarios" not in data:
        raise ScenarioError(
            "comparison: this is a single scenario file; restore it from the sidebar "
            "(Restore a scenario file)"
        )
    unknown = [str(k) for k in data if k not in _BUNDLE_KEYS]
    if unknown:
        raise ScenarioError(f"comparison.{unknown[0]}: unknown key; known keys: version, scenarios")
    version = data.get("version")
    if type(version) is not int or version != BUNDLE_VERSION:
        raise ScenarioError(
            f"comparison.version: {version!r} is not supported; this app reads version "
            f"{BUNDLE_VERSION}"
        )
    items = data.get("scenarios")
    if not isinstance(items, list):
        raise ScenarioError("comparison.scenarios: expected a list of saved scenarios")
    if len(items) > MAX_SAVED:
        raise ScenarioError(
            f"comparison.scenarios: {len(items)} saved scenarios; at most {MAX_SAVED}"
        )
    records: dict[str, dict] = {}
    for i, item in enumerate(items):
        name, record = _item(i, item, set(records))
        records[name] = record
    return records


def bundle_from_json(text: str | bytes) -> dict[str, dict]:
    """Saved scenarios from bundle JSON text (a downloaded comparison, or a link's).

    Raises:
        ScenarioError: too large, too deeply nested, not JSON, or not a valid bundle.
    """
    if len(text) > MAX_BUNDLE_JSON_BYTES:
        raise ScenarioError(
            f"comparison: larger than {MAX_BUNDLE_JSON_BYTES // 1000:,} kB; is this a "
            "comparison downloaded from this app?"
        )
    data = parse_json(text, "comparison")
    return parse_bundle(data)


def decode_bundle(token: str) -> dict[str, dict]:
    """Parse a token made by :func:`encode_bundle`.

    Raises:
        ScenarioError: the token is too long, truncated, corrupt or not a valid bundle.
    """
    return bundle_from_json(
        _inflate(token, MAX_BUNDLE_TOKEN_CHARS, MAX_BUNDLE_JSON_BYTES, "comparison")
    )
