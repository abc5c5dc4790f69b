"""Readable at every width (issue 20): the workspace, product and result pages of the
demo at 1280 and 390 px, in Chinese and English — no table cell stacking its words one
character per line, no page-level sideways scrolling on a phone (wide tables scroll
inside their own wrapper), the stage chart's labels shown whole. Screenshots for review."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from tests.browser.conftest import DEMO_BATTERY, LiveServer, sign_in

#: Short cells (at most 16 characters) whose text wraps to a line per two characters or
#: fewer: a column squeezed until Chinese stacks vertically (each text node measured).
STACKED = """() => {
  const found = [];
  for (const cell of document.querySelectorAll("main table th, main table td")) {
    const text = cell.innerText.replace(/\\s+/g, "");
    if (text.length < 3 || text.length > 16 || cell.offsetParent === null) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const chars = node.textContent.replace(/\\s+/g, "").length;
      if (chars < 3) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const tops = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
      if (tops.size >= 2 && chars / tops.size <= 2.5) found.push(node.textContent.trim());
    }
  }
  return found;
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
#: What sticks out to the right of the page (to name it when the page scrolls sideways).
WIDE = """() => Array.from(document.querySelectorAll("body *"))
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map((e) => e.tagName + "." + e.className + " " + e.textContent.slice(0, 30))"""
#: The stage chart's category labels as drawn (SVG), and whether any was cut ("…").
CHART_LABELS = """() => Array.from(document.querySelectorAll('[data-chart="stages"] svg text'))
  .map((t) => t.textContent)"""


def test_pages_are_readable_at_1280_and_390_px(
    page: Page, live_server: LiveServer, screenshots: Path
) -> None:
    sign_in(page, DEMO_BATTERY[0], DEMO_BATTERY[1])
    page.goto(f"/workspace/results/{live_server.mc_result_id}")
    product = page.locator("a[href^='/workspace/products/']").first.get_attribute("href")
    assert product
    pages = {"workspace": "/workspace", "product": product,
             "result": f"/workspace/results/{live_server.mc_result_id}"}  # fmt: skip
    problems: list[str] = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        for language in ("zh", "en"):
            for name, url in pages.items():
                page.goto(f"{url}?lang={language}")
                page.wait_for_load_state("networkidle")
                where = f"{name} at {width} px in {language}"
                page.screenshot(
                    path=str(screenshots / f"layout-{name}-{width}-{language}.png"),
                    full_page=True,
                )
                if stacked := page.evaluate(STACKED):
                    problems.append(f"{where}: stacked {stacked}")
                if (sideways := page.evaluate(SIDEWAYS)) > 1:
                    wide = page.evaluate(WIDE)
                    problems.append(f"{where}: the page scrolls {sideways} px sideways: {wide}")
                if name == "result":
                    labels = page.evaluate(CHART_LABELS)
                    cut = [t for t in labels if t.endswith(("…", "..."))]
                    if not labels or cut:
                        problems.append(f"{where}: stage chart labels {labels}")
    assert problems == [], "\n".join(problems)
