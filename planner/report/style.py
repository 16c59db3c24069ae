"""The page's stylesheet: plain system fonts, A4 print rules (page size, margins, one section
per page break where it helps, table rows that never split, headers repeated on each page)."""

CSS = """
:root { --ink: #1a1a1a; --muted: #5a5a5a; --rule: #d0d0d0; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", Arial,
  sans-serif; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; border-bottom: 3px solid var(--accent);
  padding-bottom: .4rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .2rem; color: var(--accent); }
h3 { font-size: 1rem; margin: 1rem 0 .3rem; }
p.caption { color: var(--muted); margin: 0 0 .6rem; font-size: .92rem; }
dl.headline { display: grid; grid-template-columns: 9rem 1fr; gap: .25rem 1rem; margin: .4rem 0; }
dl.headline dt { font-weight: 600; }
dl.headline dd { margin: 0; }
table { border-collapse: collapse; margin: .4rem 0 .8rem; font-size: .88rem; width: 100%; }
th, td { border-bottom: 1px solid var(--rule); padding: .2rem .45rem; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); font-weight: 600; }
.r { text-align: right; font-variant-numeric: tabular-nums; }
table.heatmap td { text-align: center; min-width: 5.5rem; }
table.heatmap small { color: var(--muted); }
code { font-size: .8rem; word-break: break-all; }
figure { margin: .3rem 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(270px, 1fr));
  gap: .3rem .8rem; }
svg.chart { max-width: 100%; height: auto; }
.grid svg.chart, figure.wide svg.chart { width: 100%; }
svg .ct { font-size: 12px; font-weight: 600; fill: var(--ink); }
svg .cu { font-weight: 400; fill: var(--muted); }
svg .tk { font-size: 10px; fill: var(--muted); }
svg .lb { font-size: 11px; fill: var(--ink); }
.legend { display: inline; }
.key { white-space: nowrap; margin-right: .8rem; }
.key i { display: inline-block; width: .9rem; height: .25rem; margin-right: .3rem;
  vertical-align: middle; }
.blank { color: var(--muted); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  section { break-before: auto; }
  section#stock, section#costs, section#diagnosis { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, figure, dl.headline { break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 8.5pt; }
  .grid { grid-template-columns: repeat(3, 1fr); }
  a { color: inherit; text-decoration: none; }
}
"""
