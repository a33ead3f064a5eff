"""WCAG 2.1 AA measured on every page a demo role can reach: a bounded same-origin crawl
from the home page in Debian's chromium, with axe-core (from the npm lock file) run on
each page. Serious and critical violations fail the test; moderate and minor ones are
listed in the test output so that they stay visible (docs/adr/0061-accessibility-crawl.md).
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

pytestmark = pytest.mark.e2e

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("WIJKREGIE_NODE_MODULES", PROJECT_DIR / "node_modules")) / \
    "axe-core" / "axe.min.js"
ROLES = ["beheerder", "regisseur", "analist", "agent", "adviseur", "programma", "regisseur2",
         "hulpverlener", "casusregisseur"]
MAX_PAGES_PER_ROLE = 45
MAX_PER_SECTION = 4  # e.g. at most 4 indicator pages: same template, other data
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
# Pages a role's crawl must have reached (checked by it or by an earlier role), so that
# a page whose links move out of reach does not silently drop out of the crawl.
MUST_REACH = {"programma": {"/leerkring", "/leerkring/hub", "/leerkring/measures/{n}"}}

# Not crawled: leaving the session, files rather than pages, and third-party interfaces
# that Wijkregie does not render itself (Django's admin, the OpenAPI browser).
SKIP = re.compile(
    r"^/(logout|i18n|static|media|admin|api)(/|$)"
    r"|/(export|download)[^/]*(/|$)|\.(csv|xlsx|geojson|json|pdf|zip|yaml)$"
    r"|/exports?/|/(csv|pdf)/$|^/veiligheidsadvies/foto/"
)
NUMBER = re.compile(r"^(S-)?\d+$")
CODE = re.compile(r"^(GM|WK|BU)\d+$")


def path_pattern(path: str) -> str:
    """One pattern per page template: ids and area codes stand for any id or code."""
    parts = []
    for part in path.strip("/").split("/"):
        parts.append("{n}" if NUMBER.match(part) else "{code}" if CODE.match(part) else part)
    return "/" + "/".join(parts)


def section(pattern: str) -> str:
    return "/".join(pattern.split("/")[:3])


@dataclass
class CrawlResult:
    pages: list[str] = field(default_factory=list)  # checked with axe by this role
    visited: int = 0  # pages this role reached, checked here or by an earlier role
    failures: list[str] = field(default_factory=list)
    moderate: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


# Path patterns already checked with axe in this session, by role. Another role reaching
# the same template fetches it only to follow its links; its home page is checked anyway.
CHECKED: dict[str, str] = {}
LINK = re.compile(r"<a\s[^>]*?href=\"([^\"#]*)[^\"]*\"([^>]*)>", re.IGNORECASE)


def run_axe(page, script: str) -> list[dict]:  # type: ignore[no-untyped-def]
    # Evaluated through the browser's devtools protocol, not as a <script> tag: the
    # pages' strict Content-Security-Policy (rightly) refuses inline scripts.
    page.evaluate(script)
    report = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert report["passes"], "axe-core ran no check at all"
    return report["violations"]


def crawl(page, base_url: str, username: str) -> CrawlResult:  # type: ignore[no-untyped-def]
    """Breadth first from the home page, one page per path pattern, bounded."""
    script = AXE.read_text()
    result = CrawlResult()
    queue, seen_patterns = ["/"], set()
    per_section: Counter[str] = Counter()
    while queue and result.visited < MAX_PAGES_PER_ROLE:
        url = queue.pop(0)
        pattern = path_pattern(urlsplit(url).path)
        if pattern in seen_patterns or per_section[section(pattern)] >= MAX_PER_SECTION:
            continue
        seen_patterns.add(pattern)
        per_section[section(pattern)] += 1
        if pattern in CHECKED and pattern != "/":
            response = page.request.get(base_url + url)
            if not response.ok or "text/html" not in response.headers.get("content-type", ""):
                continue
            links = [base_url + href for href, attrs in LINK.findall(response.text())
                     if href.startswith("/") and " download" not in f" {attrs}"]
        else:
            response = page.goto(base_url + url)
            if response is None or response.status >= 400 or not page.url.startswith(base_url):
                continue
            if "text/html" not in (response.headers.get("content-type") or ""):
                continue
            CHECKED[pattern] = username
            result.pages.append(url)
            for violation in run_axe(page, script):
                targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
                line = (f"{url}: {violation['id']} ({violation['impact']}): "
                        f"{violation['help']} — {targets}")
                if violation["impact"] in FAILING_IMPACTS:
                    result.failures.append(line)
                else:
                    result.moderate[f"{violation['id']} ({violation['impact']})"].add(pattern)
            links = page.eval_on_selector_all("a[href]:not([download])",
                                              "links => links.map(a => a.href)")
        result.visited += 1
        for href in links:
            href = urldefrag(href.replace("&amp;", "&")).url
            if not href.startswith(base_url + "/"):
                continue
            target = href[len(base_url):]
            if SKIP.search(urlsplit(target).path):
                continue
            if path_pattern(urlsplit(target).path) not in seen_patterns:
                queue.append(target)
    return result


@pytest.fixture(scope="module")
def axe_available() -> None:
    if not AXE.exists():
        message = f"axe-core is not installed at {AXE} (`make test` runs npm ci)"
        if os.environ.get("WIJKREGIE_REQUIRE_SERVICES"):
            pytest.fail(message)
        pytest.skip(message)


def test_path_patterns_stand_for_one_template():
    assert path_pattern("/signals/123/") == path_pattern("/signals/7/") == "/signals/{n}"
    assert path_pattern("/areas/WK900101/") == "/areas/{code}"
    assert SKIP.search("/hotspots/analyses/3/export.csv")
    assert SKIP.search("/beheer/toegangsreview/csv/")
    assert SKIP.search("/logout/") and not SKIP.search("/signals/list/")


def test_login_page_has_no_serious_violations(app_server, browser, axe_available, capsys):
    context = browser.new_context(locale="nl-NL")
    try:
        page = context.new_page()
        page.goto(f"{app_server.url}/login/")
        violations = run_axe(page, AXE.read_text())
        # The check itself works: an image without a text alternative is caught.
        page.evaluate("document.querySelector('main').insertAdjacentHTML("
                      "'beforeend', '<img src=\"/static/wijkregie/none.png\">')")
        planted = run_axe(page, AXE.read_text())
    finally:
        context.close()
    assert "image-alt" in {v["id"] for v in planted if v["impact"] in FAILING_IMPACTS}
    serious = [f"{v['id']}: {v['help']}" for v in violations if v["impact"] in FAILING_IMPACTS]
    with capsys.disabled():
        for v in violations:
            if v["impact"] not in FAILING_IMPACTS:
                print(f"\n[a11y] /login/: {v['id']} ({v['impact']}): {v['help']}")
    assert not serious, serious


@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_a_role_has_no_serious_violations(app_server, page_as, axe_available,
                                                        username, capsys):
    page = page_as(username)
    result = crawl(page, app_server.url, username)
    with capsys.disabled():
        print(f"\n[a11y] {username}: {result.visited} pages reached, {len(result.pages)} of "
              "them checked here (the rest by an earlier role)")
        for rule, patterns in sorted(result.moderate.items()):
            print(f"[a11y] {username}: {rule} on {len(patterns)} page(s): "
                  f"{', '.join(sorted(patterns)[:6])}")
    assert result.visited >= 3, f"the crawl reached only {result.pages}"
    missing = {p for p in MUST_REACH.get(username, set()) if p not in CHECKED}
    assert not missing, f"the crawl did not reach {sorted(missing)}"
    assert not result.failures, "\n".join(result.failures)


def _contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    def luminance(rgb: tuple[float, ...]) -> float:
        lin = [v / 255 / 12.92 if v / 255 <= 0.04045 else ((v / 255 + 0.055) / 1.055) ** 2.4
               for v in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _hex(colour: str) -> tuple[int, ...]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(c * 2 for c in colour)
    return tuple(int(colour[i:i + 2], 16) for i in (0, 2, 4))


def _drawn_classes(page) -> list[tuple[str, float, str, float]]:  # type: ignore[no-untyped-def]
    page.wait_for_selector(".leaflet-overlay-pane path")
    return [(fill, float(opacity), stroke, float(width)) for fill, opacity, stroke, width in
            page.eval_on_selector_all(".leaflet-overlay-pane path", """paths => paths.map(p =>
                [p.getAttribute('fill'), p.getAttribute('fill-opacity'),
                 p.getAttribute('stroke'), p.getAttribute('stroke-width')])""")]


def test_choropleth_and_hot_spot_classes_keep_a_3_to_1_outline(app_server, page_as):
    """WCAG 1.4.11: each coloured class (as drawn: its fill over the white map at its
    opacity) has an outline of at least 3:1 against it, 1 px or wider; axe-core does not
    measure graphics, so this test does."""
    page = page_as("analist")
    page.goto(f"{app_server.url}/figures/indicators/inwoners/?municipality=GM9001")
    choropleth = _drawn_classes(page)
    page.goto(f"{app_server.url}/hotspots/")
    page.goto(app_server.url + page.locator("main nav a[href*='/hotspots/area/']").first
              .get_attribute("href"))
    hot_spots = [cell for cell in _drawn_classes(page) if cell[1] >= 0.5]  # significant
    assert len({c[0] for c in choropleth}) >= 4 and len({c[0] for c in hot_spots}) >= 2
    for fill, opacity, stroke, width in choropleth + hot_spots:
        shown = tuple(v * opacity + 255 * (1 - opacity) for v in _hex(fill))
        assert _contrast(shown, _hex(stroke)) >= 3, (fill, opacity, stroke)
        assert width >= 1, (fill, width)


def test_keyboard_reaches_the_list_beside_the_map_past_its_controls(app_server, page_as):
    """Tab first reaches the skip link; the map's skip link takes the focus past the map
    to its caption, and the next Tab lands on the first area in the list. Focus shows."""
    page = page_as("regisseur")
    # The municipality map (the area director's home goes to regie:index once it exists).
    page.goto(f"{app_server.url}/?overview=1")
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.getAttribute('href'), "
                          "document.activeElement.getBoundingClientRect().height]")
    assert first[0] == "#main" and first[1] > 0  # shown when focused
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('map-skip')"):
            break
    else:
        raise AssertionError("the map's skip link is not reachable by Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "map-caption"
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.tagName, "
                            "document.activeElement.closest('table') !== null]")
    assert focused == ["A", True]  # a district in the table, not a map control
