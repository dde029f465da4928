"""Text contrast on the main pages, measured in chromium (WCAG 2.1, 1.4.3): every visible text
has a contrast ratio of at least 4.5:1 against the background it is drawn on (3:1 for large
text), computed here from the browser's computed styles — no third-party checker.

Disabled controls are exempt (WCAG: "part of an inactive user interface component")."""

import pytest

from .conftest import settle, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "202508175GHG"

# For each element with its own text: its colour, the first opaque background behind it (the
# alpha of the layers in between blended in), and the ratio; the failures come back.
CONTRAST_JS = r"""
() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const over = (top, bottom) => ({r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a), b: top.b * top.a + bottom.b * (1 - top.a), a: 1});
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage && s.backgroundImage !== "none" && !s.backgroundImage.startsWith("url(\"data:image/svg"))
        return null;  // a gradient or picture: not measurable this way
      const c = parse(s.backgroundColor);
      if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
    }
    let bg = {r: 255, g: 255, b: 255, a: 1};
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const failures = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const s = getComputedStyle(el);
    if (s.visibility !== "visible" || parseFloat(s.opacity) === 0) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden
    if (el.closest("[disabled], .disabled, [aria-disabled=true], option, .visually-hidden, template"))
      continue;
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) opacity *= parseFloat(getComputedStyle(e).opacity);
    const bg = background(el);
    if (!bg) continue;
    let fg = parse(s.color);
    fg = over({...fg, a: fg.a * opacity}, bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5) - 0.005)
      failures.push(`${ratio.toFixed(2)} ${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ` +
                    `“${el.textContent.trim().slice(0, 30)}” ${s.color} on rgb(${Math.round(bg.r)},${Math.round(bg.g)},${Math.round(bg.b)})`);
  }
  return failures;
}
"""

PAGES = [
    "/",
    f"/studies/{SEED}/",
    f"/studies/{SEED}/results/",
    f"/studies/{SEED}/products/LV/?stage=production",
    f"/studies/{SEED}/workflow/",
    f"/studies/{SEED}/team/",
    f"/studies/{SEED}/history/",
    "/factors/",
    "/studies/import/",
]


def test_text_contrast_on_the_main_pages_is_at_least_4_5_to_1(page, demo):
    sign_in(page.context, page.base, "auditor")
    found = {}
    for path in PAGES:
        page.goto(page.base + path)
        settle(page)  # the results page's Monte Carlo cards arrive after it
        failures = page.evaluate(CONTRAST_JS)
        if failures:
            found[path] = sorted(set(failures))
    # the public verification page, without login
    page.context.clear_cookies()
    page.goto(page.base + "/verify/")
    failures = page.evaluate(CONTRAST_JS)
    if failures:
        found["/verify/"] = sorted(set(failures))
    assert not found, "\n".join(f"{p}:\n  " + "\n  ".join(f) for p, f in found.items())
