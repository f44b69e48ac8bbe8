"""The frame every self-contained HTML page shares (the screening report, the reconciliation's summary): colours,
type, the cards, the charts' text, tables and print; each page adds its own rules between the frame and print."""

from __future__ import annotations

_FRAME = """
:root{--hold:#c62828;--refer:#f9a825;--clear:#2e7d32;--other:#90a4ae;--ink:#1d2430;--muted:#5b6474;--line:#d9dde3;
--bg:#f6f7f9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:var(--ink);
background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 28px 40px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;padding-bottom:4px;border-bottom:2px solid
var(--line)}
.context{color:var(--muted);margin:0 0 18px}
.cards{display:flex;gap:12px;flex-wrap:wrap}
.card{flex:1 1 160px;border-radius:8px;padding:12px 16px;background:var(--bg);border-left:8px solid var(--line)}
.card .n{font-size:28px;font-weight:700;display:block}.card.hold{border-color:var(--hold)}
.card.refer{border-color:var(--refer)}.card.clear{border-color:var(--clear)}
.charts{display:flex;flex-wrap:wrap;gap:18px 28px}.charts figure{margin:0}
figcaption{font-weight:600;margin-bottom:4px}
svg.chart text{font:13px system-ui,Arial,sans-serif;fill:var(--ink)}svg.chart .value{fill:var(--muted)}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th{background:var(--bg);font-size:13px;color:var(--muted);font-weight:600}
ul.plain{margin:0;padding-left:18px}.muted{color:var(--muted)}
footer{margin-top:36px;color:var(--muted);font-size:13px}
"""
_PRINT = "@media print{body{background:#fff}main{padding:0}h2{break-after:avoid}tr{break-inside:avoid}}\n"


def page_style(own: str) -> str:
    """The frame's rules, then the page's `own` (which may refine them), then those for print."""
    return _FRAME + own.strip("\n") + "\n" + _PRINT
