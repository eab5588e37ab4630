"""Rendering the report pages from the Jinja2 templates in ``templates/``, and the filters those templates use.

HTML templates (``*.html.j2``) are autoescaped: every value from a submission is escaped by Jinja2, and the
only markup made in Python is :func:`rich_text`'s, which escapes first. Markdown templates (``*.md.j2``) are
not HTML and are rendered without autoescaping; their values go through :func:`md_text`. Pages stay single,
self-contained files: ``style.css`` and scripts such as ``report.js`` are inlined, and the
Content-Security-Policy allows an inline script only by the SHA-256 of the very text inlined.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape


def fmt(points: float) -> str:
    """Points for people: ``6.5``, ``14``, ``0.33``."""
    return f"{round(points, 2):g}"


def percent(part: float, whole: float) -> str:
    """``part`` as a whole percentage of ``whole``: ``44%``, or ``-`` when ``whole`` is 0."""
    return f"{100 * part / whole:.0f}%" if whole else "-"


def _code_spans(text: object) -> list[str]:
    """``text`` split at backticks: odd items were inside a `code` span; an unpaired backtick stays literal."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:
        parts[-2:] = ["`".join(parts[-2:])]
    return parts


def rich_text(text: object) -> Markup:
    """Escape a message, then turn its `backtick` spans into ``<code>``."""
    code = Markup("<code>{}</code>")
    return Markup("").join(code.format(p) if i % 2 else escape(p) for i, p in enumerate(_code_spans(text)))


_MD_SPECIAL = re.compile(r"([\\<>\[\]])")


def md_text(text: object) -> str:
    """A message for Markdown on one line: HTML and link syntax escaped outside `code` spans, kept inside."""
    parts = _code_spans(" ".join(str(text).split()))
    return "".join(f"`{p}`" if i % 2 else _MD_SPECIAL.sub(r"\\\1", p).replace("`", "\\`")
                   for i, p in enumerate(parts))


def md_fence(text: str) -> str:
    """``text`` in a code fence longer than any run of backticks inside it, so nothing in it is markup."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}\n{text}\n{fence}"


_LOADER = PackageLoader("autograder.report", "templates")
_ENV = Environment(
    loader=_LOADER,
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), disabled_extensions=("md", "md.j2"),
                                 default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@functools.cache
def asset(name: str) -> Markup:
    """A file of ``templates/`` verbatim (newlines as the HTML parser sees them), trusted as markup."""
    source, _, _ = _LOADER.get_source(_ENV, name)
    return Markup(source.replace("\r\n", "\n").replace("\r", "\n"))


def csp_hash(name: str) -> str:
    """The CSP source (``sha256-...``) allowing the inlined asset ``name`` to run."""
    return "sha256-" + base64.b64encode(hashlib.sha256(asset(name).encode()).digest()).decode()


_ENV.filters.update(points=fmt, percent=percent, rich=rich_text, md=md_text, fence=md_fence)
_ENV.globals.update(asset=asset, csp_hash=csp_hash)


def render_html(template: str, **context: Any) -> str:
    """An HTML page from an autoescaped ``*.html.j2`` template."""
    if not template.endswith(".html.j2"):
        raise ValueError(f"{template} is not an HTML template")
    return _ENV.get_template(template).render(**context)


def render_markdown(template: str, **context: Any) -> str:
    """Markdown from a ``*.md.j2`` template (no autoescaping), blank lines at either end dropped."""
    if not template.endswith(".md.j2"):
        raise ValueError(f"{template} is not a Markdown template")
    return _ENV.get_template(template).render(**context).strip() + "\n"
