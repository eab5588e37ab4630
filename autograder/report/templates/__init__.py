"""The page shell shared by feedback pages and the class report: inline CSS, the sort script, a strict CSP.

Pages are self-contained: styles and pictures are inline (pictures as ``data:`` URIs), and a
Content-Security-Policy forbids every fetch. Scripts are allowed only by hash, so even text that slipped
through escaping could not run. Every untrusted string goes through :func:`esc` or :func:`rich_text`.
"""

from __future__ import annotations

import base64
import hashlib
import html

CSS = """
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6472; --line: #d8dde5; --bg: #f6f7f9;
  --good: #1f7a3d; --bad: #b3261e; --warn: #8a5a00; --accent: #2f5fb3; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
main.wide { max-width: 80rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0; }
.sub { color: var(--muted); margin: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; }
.score { font-size: 2rem; font-weight: 650; margin: .5rem 0 0; }
.score small { font-size: 1rem; font-weight: 400; color: var(--muted); }
.notice { border-left: 4px solid var(--warn); background: #fff8e6; padding: .6rem .9rem; margin: .8rem 0;
  border-radius: 0 6px 6px 0; }
.notice.bad { border-color: var(--bad); background: #fdeceb; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #eef1f5; font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.msg { overflow-wrap: anywhere; min-width: 16rem; }
td.nowrap { white-space: nowrap; }
#failing td.msg { width: 55%; }
#students td.msg { min-width: 14rem; }
#failing code { overflow-wrap: anywhere; }
td ul { margin: 0; padding-left: 1.1rem; }
tr.full td:first-child { border-left: 3px solid var(--good); }
tr.partial td:first-child { border-left: 3px solid var(--bad); }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: " \\2195"; color: #9aa3b0; font-size: .8em; }
table.sortable th[aria-sort=ascending]::after { content: " \\25B2"; color: var(--accent); }
table.sortable th[aria-sort=descending]::after { content: " \\25BC"; color: var(--accent); }
.ok { color: var(--good); }
.fail { color: var(--bad); }
ul.fixes { list-style: none; padding: 0; margin: .3rem 0 1rem; }
ul.fixes li { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--bad);
  border-radius: 0 6px 6px 0; padding: .5rem .8rem; margin: .4rem 0; overflow-wrap: anywhere; }
.pts { font-weight: 650; color: var(--bad); margin-right: .4rem; white-space: nowrap; }
.tag { display: inline-block; font-size: .75rem; font-weight: 600; padding: 0 .45rem; border-radius: 999px;
  margin-right: .4rem; background: #e7ebf1; color: var(--muted); vertical-align: 1px; }
.tag.hidden { background: #efe6fb; color: #5b2d95; }
.tag.graded { background: #e3f3e8; color: var(--good); }
.tag.error, .tag.timeout { background: #fdeceb; color: var(--bad); }
.tag.late { background: #fff1cc; color: var(--warn); }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eef1f5;
  padding: 0 .25em; border-radius: 3px; }
pre { background: #1f2430; color: #e8ebf0; padding: .7rem .9rem; border-radius: 6px; overflow-x: auto;
  font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre-wrap;
  overflow-wrap: anywhere; }
figure { margin: .8rem 0; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .6rem; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; image-rendering: pixelated; }
figure.chart img { image-rendering: auto; }
figcaption { color: var(--muted); font-size: .875rem; margin-top: .3rem; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(7.5rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.stat { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: .55rem .8rem; }
.stat b { display: block; font-size: 1.45rem; font-variant-numeric: tabular-nums; }
.stat span { color: var(--muted); font-size: .85rem; }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: .8rem; }
.scroll { overflow-x: auto; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: .8rem; }
"""

SORT_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    th.tabIndex = 0;
    var sort = function () {
      var down = th.getAttribute("aria-sort") === "ascending";
      Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var key = function (row) {
        var c = row.cells[col];
        return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent;
      };
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var order = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return down ? -order : order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
    });
  });
});
"""


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def esc(text: object) -> str:
    """HTML-escape anything (quotes included, so the result is safe in attributes too)."""
    return html.escape(str(text), quote=True)


def rich_text(text: str) -> str:
    """Escape a message, turning its `backtick` spans into ``<code>`` (an unpaired backtick stays literal)."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        parts[-2:] = ["`".join(parts[-2:])]
    return "".join(f"<code>{esc(p)}</code>" if i % 2 else esc(p) for i, p in enumerate(parts))


def page(title: str, body: str, *, sortable: bool = False) -> str:
    """A complete HTML document: ``body`` is trusted markup (already escaped), ``title`` is escaped here.

    ``sortable`` pages (the class report) get the table-sorting script and a wider layout.
    """
    scripts = f"script-src '{_script_hash(SORT_SCRIPT)}'" if sortable else "script-src 'none'"
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; {scripts}; "
           "base-uri 'none'; form-action 'none'")
    script = f"<script>{SORT_SCRIPT}</script>" if sortable else ""
    main = '<main class="wide">' if sortable else "<main>"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{main}\n{body}\n</main>\n{script}\n"
        "</body>\n</html>\n"
    )
