"""Accessibility checks on every page the browser tests show (issue 14, point 10), in Chromium.

For each page `check(driver, label)` looks at what the browser rendered, not at the templates:
- every control (input, select, textarea, button) has an accessible name: a label, aria-label,
  aria-labelledby, or a button's text; every image has alt text, every drawing (svg) a name;
- every piece of text has enough contrast against the background it is drawn on: WCAG 2.1
  level AA, 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold), backgrounds composed up the
  tree as the browser paints them;
- the keyboard reaches every link and control with Tab, in order, and each one it lands on is
  on screen with a visible focus indicator (an outline or a shadow).

Problems are collected, not raised at once, so one run lists all of them; `problems()` returns
them and browser_test.py fails on any.
"""

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

_problems = []
_walked = set()

# How many Tab presses a page gets at most: an activation list of 100 rows has more links than
# this; the first ones are checked, which covers the controls above the table.
MAX_TABS = 80

_STATIC_CHECKS = r"""
const problems = [];
const shown = el => {
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
};
const text = s => (s || '').replace(/\s+/g, ' ').trim();
const describe = el => el.outerHTML.replace(/\s+/g, ' ').slice(0, 140);
const nameOf = el => {
  if (text(el.getAttribute('aria-label'))) return text(el.getAttribute('aria-label'));
  const ids = el.getAttribute('aria-labelledby');
  if (ids) return text(ids.split(/\s+/).map(id => (document.getElementById(id) || {}).textContent).join(' '));
  if (el.labels && el.labels.length) return text(Array.from(el.labels).map(l => l.textContent).join(' '));
  if (el.tagName === 'BUTTON') return text(el.textContent);
  if (el.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(el.type)) return text(el.value);
  return text(el.title);
};
for (const el of document.querySelectorAll('input, select, textarea, button')) {
  if (el.type === 'hidden') continue;
  if (!nameOf(el)) problems.push('a control without a name: ' + describe(el));
}
for (const img of document.querySelectorAll('img')) {
  if (!img.hasAttribute('alt')) problems.push('an image without alt text: ' + describe(img));
}
for (const svg of document.querySelectorAll('svg')) {
  if (svg.closest('[aria-hidden="true"]') || svg.getAttribute('role') === 'presentation') continue;
  if (!text(svg.getAttribute('aria-label')) && !svg.getAttribute('aria-labelledby') && !svg.querySelector('title'))
    problems.push('a drawing (svg) without a name: ' + describe(svg));
}
const seen = new Map();
for (const el of document.querySelectorAll('[id]')) {
  if (seen.has(el.id)) problems.push('the id "' + el.id + '" is used twice');
  seen.set(el.id, true);
}

// Contrast, WCAG 2.1: relative luminance of sRGB colours, the background composed up the tree.
const parse = c => {
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (!m) return null;
  const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
  return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
};
const luminance = c => {
  const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
};
const over = (top, bottom) => ({
  r: top.r * top.a + bottom.r * (1 - top.a), g: top.g * top.a + bottom.g * (1 - top.a),
  b: top.b * top.a + bottom.b * (1 - top.a), a: 1,
});
const background = el => {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.backgroundImage !== 'none') return null;  // an image or gradient: not judged here
    const c = parse(cs.backgroundColor);
    if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
  }
  let out = {r: 255, g: 255, b: 255, a: 1};
  for (let i = layers.length - 1; i >= 0; i--) out = over(layers[i], out);
  return out;
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const judged = new Set();
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || judged.has(el) || !text(node.textContent) || el.closest('svg, script, style, noscript, [hidden]')) continue;
  judged.add(el);
  if (!shown(el)) continue;
  const cs = getComputedStyle(el);
  const bg = background(el);
  const fgRaw = parse(cs.color);
  if (!bg || !fgRaw) continue;
  const fg = over(fgRaw, bg);
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
  const ratio = (hi + 0.05) / (lo + 0.05);
  const size = parseFloat(cs.fontSize), bold = parseInt(cs.fontWeight, 10) >= 700;
  const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
  if (ratio < needed)
    problems.push('contrast ' + ratio.toFixed(2) + ':1 (needs ' + needed + ':1) for "' +
      text(node.textContent).slice(0, 40) + '": ' + cs.color + ' on ' + JSON.stringify(bg));
}
return problems;
"""

_FOCUSABLES = r"""
const shown = el => {
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.display !== 'none';
};
return Array.from(document.querySelectorAll(
  'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])'
)).filter(el => shown(el) && el.tabIndex >= 0 && !el.closest('[hidden], [inert]'));
"""

_FOCUS_STATE = r"""
const el = document.activeElement;
if (!el || el === document.body) return null;
const cs = getComputedStyle(el), r = el.getBoundingClientRect();
const outlined = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2;
const shadowed = cs.boxShadow && cs.boxShadow !== 'none';
const onScreen = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
  r.top < window.innerHeight && r.left < window.innerWidth;
return {element: el, visible: outlined || shadowed, onScreen: onScreen,
        html: el.outerHTML.replace(/\s+/g, ' ').slice(0, 120)};
"""


def check(driver, label, keyboard=True):
    """Checks the page now shown; `label` names it in the problems (e.g. `verdict-360`)."""
    for problem in driver.execute_script(_STATIC_CHECKS):
        _problems.append(f"{label}: {problem}")
    # The keyboard walk once per page and width: it moves the focus, nothing else.
    path = driver.execute_script("return location.pathname")
    width = driver.execute_script("return window.innerWidth")
    if keyboard and (path, width) not in _walked:
        _walked.add((path, width))
        _walk(driver, label)


def _walk(driver, label):
    focusables = driver.execute_script(_FOCUSABLES)
    # Tab starts from the focus navigation starting point, which stays where the focus last was:
    # an empty, unfocusable-by-Tab marker at the top of the page puts it before everything.
    driver.execute_script(
        "const m = document.createElement('span'); m.id = 'a11y-start'; m.tabIndex = -1;"
        "document.body.prepend(m); m.focus(); window.scrollTo(0, 0)")
    reached = []
    actions = ActionChains(driver)
    for _ in range(min(len(focusables), MAX_TABS) + 10):
        actions.send_keys(Keys.TAB).perform()
        state = driver.execute_script(_FOCUS_STATE)
        if state is None or state["element"] in reached:
            break  # past the last control, or round again
        reached.append(state["element"])
        if not state["visible"]:
            _problems.append(f"{label}: no visible focus on {state['html']}")
        if not state["onScreen"]:
            _problems.append(f"{label}: the focused element is off screen: {state['html']}")
        if len(reached) >= MAX_TABS:
            break
    # Of a group of radio buttons Tab reaches the checked one; the arrows move within the group.
    expected = [el for el in focusables[:MAX_TABS] if not driver.execute_script(
        "const e = arguments[0]; return e.type === 'radio' && !e.checked &&"
        " !!document.querySelector('input[type=radio][name=\"' + e.name + '\"]:checked')", el)]
    missing = [el for el in expected if el not in reached]
    if missing:
        html = driver.execute_script(
            "return arguments[0].map(e => e.outerHTML.replace(/\\s+/g, ' ').slice(0, 100))", missing[:5])
        _problems.append(f"{label}: Tab does not reach {len(missing)} of {len(expected)} controls, e.g. {html}")
    driver.execute_script(
        "document.activeElement && document.activeElement.blur();"
        "const m = document.getElementById('a11y-start'); if (m) m.remove(); window.scrollTo(0, 0)")


def problems():
    return list(_problems)


def pages_walked():
    return len(_walked)
