"""Screenshot every page in normal mode and in workshop mode (also at 125% zoom) with
headless Debian Chromium.

    python scripts/screenshots.py [--out docs/img] [--pages plan ...] [--modes workshop ...]
        [--full]

Modes: normal (1440 x 1000), workshop (1280 x 720, a projector) and workshop-zoom
(1024 x 576 CSS pixels at device scale 1.25: the 1280 x 720 projector at 125% browser
zoom). Each image is the first screen (what the room sees without scrolling); `--full`
grows the window to the whole page first (Streamlit scrolls inside the page, so a browser's
full-page capture would show the first screen only).

Starts `streamlit run app.py` on a free local port, waits for /_stcore/health, and
waits for each page's script run to finish (the app root's data-test-script-state)
before capturing. Run by hand; the README shows two of the images.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.server import (  # noqa: E402 - after the sys.path line (run as a script)
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    IDLE_JS,
    new_context,
    open_app,
    running_app,
)
from ui.nav import PAGES  # noqa: E402 - after the sys.path line (run as a script)

#: page name ("plan") -> URL path ("plan"; the default page's is "")
URL_PATHS = {p.name: p.url_path for p in PAGES}

#: mode -> (viewport, device scale factor, workshop?). Workshop mode is sized for a
#: 1280 x 720 projector (issue 12), also at 125% browser zoom (issue 19).
MODES = {
    "normal": ({"width": 1440, "height": 1000}, 1.0, False),
    "workshop": ({"width": 1280, "height": 720}, 1.0, True),
    "workshop-zoom": ({"width": 1024, "height": 576}, 1.25, True),
}


#: No part of the page still being computed in the background (ui/background.py draws
#: its placeholder as an st.info with the hourglass icon).
PARTS_READY_JS = """() => ![...document.querySelectorAll('[data-testid="stAlert"]')]
  .some(a => a.innerText.includes('hourglass') && a.innerText.trim().endsWith('…'))"""

#: Every chart on the page drawn by Vega (an SVG or a canvas in each chart element).
CHARTS_DRAWN_JS = """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
  .every(c => c.querySelector('svg.marks, canvas'))"""

#: The height of the whole page: Streamlit's main area scrolls, not the document.
FULL_HEIGHT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  return Math.ceil((main ? main.scrollHeight : document.body.scrollHeight) + 40);
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("--pages", nargs="*", default=list(URL_PATHS))
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=list(MODES))
    parser.add_argument("--full", action="store_true", help="the whole page, not the first screen")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    with running_app() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        for mode in args.modes:
            size, scale, workshop = MODES[mode]
            for name in args.pages:
                # a fresh session per page: its first run is waited for (open_app)
                context = new_context(browser, viewport=size, device_scale_factor=scale)
                page = context.new_page()
                query = {"workshop": "1"} if workshop else {}
                if name == "compare":  # two saved scenarios to compare, from the link
                    query["c"] = comparison_token()
                open_app(page, f"{url}/{URL_PATHS[name]}?{urlencode(query)}", timeout=180_000)
                # Parts computed in the background (Forecast's fits and backtest, the
                # Sensitivity tornado) arrive by themselves: wait until none is pending
                # and the page has drawn them.
                page.wait_for_function(PARTS_READY_JS, timeout=180_000, polling=250)
                page.wait_for_function(IDLE_JS, timeout=180_000, polling=100)
                page.wait_for_function(CHARTS_DRAWN_JS, timeout=180_000, polling=250)
                page.wait_for_timeout(2500)  # let Vega finish drawing the charts
                path = out / f"{name}-{mode}.png"
                if args.full:
                    height = page.evaluate(FULL_HEIGHT_JS)
                    page.set_viewport_size({"width": size["width"], "height": min(height, 8000)})
                    page.wait_for_timeout(1500)  # charts re-laid out at the new size
                page.screenshot(path=str(path))
                print(path)
                context.close()
        browser.close()


def comparison_token() -> str:
    """The `?c=` of two saved scenarios: the sample's plan, and 1:5 by the same deadline."""
    from ui.state import default_scenario, encode_bundle

    base = default_scenario()
    tighter = base.replace(target={**base.target.to_dict(), "ds_per_mle": 5.0})
    records = {
        "Sample: 1:6, 80%": {"scenario": base, "strategy": "even", "plan": "recommended"},
        "Tighter: 1:5, 80%": {"scenario": tighter, "strategy": "even", "plan": "recommended"},
    }
    return encode_bundle(records)


if __name__ == "__main__":
    main()
