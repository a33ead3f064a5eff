"""Downloads of an analysis: scenario file, results JSON, XLSX workbook and PDF report."""

from __future__ import annotations

import io
import json
from typing import Any

import yaml
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from wijkregie.core.spreadsheet import append_text_safe

from . import pdf_charts
from .charts import euro
from .models import Analysis
from .presentation import ResultsView, results_view
from .scenario import Scenario
from .scenario_file import scenario_to_dict
from .services import validate_scenario


def scenario_of(analysis: Analysis) -> Scenario:
    return validate_scenario(analysis.scenario, municipality=analysis.municipality)


def view_of(analysis: Analysis) -> ResultsView:
    return results_view(analysis.results, scenario_of(analysis))


def scenario_document(analysis: Analysis) -> dict[str, Any]:
    """A self-contained scenario file: library unit values are written out with their
    citation, so ``wijkregie mkba run`` gives the same numbers without the library."""
    scenario = scenario_of(analysis)
    doc = scenario_to_dict(scenario)
    values = {e.unit_value.library_key: e.unit_value
              for alt in (scenario.zero_alternative, *scenario.alternatives)
              for m in alt.measures for e in m.effects
              if e.unit_value is not None and e.unit_value.library_key}
    for effect in _effects(doc):
        key = effect.get("unit_value", {}).get("library")
        if key is not None:
            uv = values[key]
            effect["unit_value"] = {"value": uv.value, "price_level": uv.price_level,
                                    "source": f"{uv.source} (library: {key})", "year": uv.year}
    return doc


def _effects(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for alt in [doc["zero_alternative"], *doc["alternatives"]]
            for m in alt["measures"] for e in m["effects"]]


def scenario_file(analysis: Analysis, fmt: str) -> bytes:
    doc = scenario_document(analysis)
    if fmt == "json":
        return json.dumps(doc, indent=2, ensure_ascii=False).encode()
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).encode()


def results_json(analysis: Analysis) -> bytes:
    return json.dumps(analysis.results["analysis"], indent=2, ensure_ascii=False).encode()


# -- XLSX ------------------------------------------------------------------------------


def workbook(analysis: Analysis) -> bytes:
    """Sheets: summary, stakeholders, effects, sensitivity, Monte Carlo, assumptions."""
    view = view_of(analysis)
    book = Workbook()
    sheets = [
        (_("Summary"), [_("alternative"), _("PV costs"), _("PV benefits"), _("NPV"),
                        _("B/C ratio"), _("IRR"), _("payback year")],
         [[a.name, a.summary["pv_costs"], a.summary["pv_benefits"], a.summary["npv"],
           a.summary["bcr"], a.summary["irr"], a.summary["payback_year"]]
          for a in view.alternatives]),
        (_("Stakeholders"), [_("alternative"), _("stakeholder"), _("PV costs"),
                             _("PV benefits"), _("NPV")],
         [[a.name, s["label"], s["pv_costs"], s["pv_benefits"], s["npv"]]
          for a in view.alternatives for s in a.stakeholders]),
        (_("Effects"), [_("alternative"), _("measure"), _("line"), _("kind"),
                        _("present value")],
         [[a.name, line["measure"], line["name"], line["kind"], line["present_value"]]
          for a in view.alternatives for line in a.effects + a.costs]
         + [[a.name, p["measure"], p["name"], "PM " + p["direction"], None]
            for a in view.alternatives for p in a.pm_items]),
        (_("Sensitivity"), [_("alternative"), _("parameter"), _("low"), _("high"),
                            _("NPV at low"), _("NPV at high"), _("break-even value")],
         [[a.name, t["parameter"], t["low"], t["high"], t["npv_low"], t["npv_high"],
           t["breakeven"]] for a in view.alternatives for t in a.tornado]),
        (_("Monte Carlo"), [_("alternative"), _("draws"), _("mean NPV"), _("sd"),
                            "P5", "P10", "P25", "P50", "P75", "P90", "P95",
                            _("P(NPV > 0)"), _("P(best)")],
         [[a.name, a.monte_carlo["draws"], a.monte_carlo["mean"], a.monte_carlo["sd"],
           *(a.monte_carlo["percentiles"][p] for p in ("5", "10", "25", "50", "75", "90", "95")),
           a.monte_carlo["probability_positive"], a.monte_carlo["probability_best"]]
          for a in view.alternatives if a.monte_carlo]),
        (_("Assumptions and sources"), [_("item"), _("value"), _("unit"),
                                        _("distribution / origin"), _("source")],
         _assumption_rows(view)),
    ]
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title[:31])
        append_text_safe(sheet, header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            append_text_safe(sheet, row)
        sheet.column_dimensions["A"].width = 28
        sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _assumption_rows(view: ResultsView) -> list[list[Any]]:
    m = view.meta
    rows: list[list[Any]] = [
        [_("years"), f"{m['base_year']}–{m['last_year']}", "", "", ""],
        [_("price level"), m["price_level"], _("euros of that year"), "", ""],
        [_("discount rate"), m["discount_rate"], _("real, fraction"),
         m["discount_preset"] or _("custom"), ""],
        [_("after the horizon"), m["tail"], "", "", ""],
    ]
    rows += [[p["name"], p["value"], p["unit"], p["distribution"], p["source"]]
             for p in view.parameters]
    rows += [[f"{u['measure']}: {u['effect']}", u["value"], u["unit"], u["origin"], u["source"]]
             for u in view.unit_values]
    return rows


# -- PDF -------------------------------------------------------------------------------


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}".replace(".", ",")


def _ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}".replace(".", ",")


def report_pdf(analysis: Analysis) -> bytes:
    """The council report as PDF (reportlab: pure Python wheels, no system libraries)."""
    view = view_of(analysis)
    styles = getSampleStyleSheet()
    h1, h2, body = styles["Title"], styles["Heading2"], styles["BodyText"]
    story: list[Any] = [Paragraph(_esc(analysis.title), h1),
                        Paragraph(_esc(f"{analysis.programme_area.name} · "
                                       f"{analysis.municipality.name}"), body)]

    def section(title: str, *flowables: Any) -> None:
        story.extend([Spacer(1, 4 * mm), Paragraph(_esc(title), h2), *flowables])

    section(_("Question"), Paragraph(_esc(analysis.question or _("(no question given)")), body))
    m = view.meta
    alt_rows = [[_("alternative"), _("measures"), _("description")],
                [view.zero_alternative["name"] + " (" + _("zero alternative") + ")",
                 ", ".join(view.zero_alternative["measures"]),
                 view.zero_alternative["description"]]]
    alt_rows += [[a.name, ", ".join(a.measures), a.description] for a in view.alternatives]
    section(_("Alternatives"), _table(alt_rows, wrap=True, styles=styles))
    effect_rows = [[_("measure"), _("effect"), _("quantity (total)"), _("unit value"),
                    _("source")]]
    effect_rows += [[u["measure"], u["effect"], f"{u['quantity_total']:g} {u['unit']}",
                     euro(u["value"]) + f" ({u['price_level']})", u["source"]]
                    for u in view.unit_values]
    section(_("Effects"), _table(effect_rows, wrap=True, styles=styles))
    summary = [[_("alternative"), _("PV costs"), _("PV benefits"), _("NPV"), _("B/C ratio")]]
    summary += [[a.name, euro(a.summary["pv_costs"]), euro(a.summary["pv_benefits"]),
                 euro(a.summary["npv"]), _ratio(a.summary["bcr"])] for a in view.alternatives]
    section(_("Results"), Paragraph(_esc(
        _("Present values in euros of %(level)s, years %(first)s–%(last)s, discount rate "
          "%(rate)s, relative to the zero alternative '%(zero)s'.") % {
            "level": m["price_level"], "first": m["base_year"], "last": m["last_year"],
            "rate": _pct(m["discount_rate"]), "zero": m["zero_alternative"]}), body),
        _table(summary))
    # The comparison of alternatives, drawn from the data the page's chart uses.
    compare = [[_("alternative"), _("NPV"), "P5", "P95", _("P(NPV > 0)")]]
    compare += [[c["name"], euro(c["npv"]), euro(c["p5"]), euro(c["p95"]),
                 _pct(c["probability_positive"])] for c in view.comparison]
    story += [Spacer(1, 2 * mm), pdf_charts.comparison_drawing(view.comparison, _(
        "NPV per alternative, with the range from percentile 5 to 95 of the Monte Carlo "
        "draws")), _table(compare)]
    for a in view.alternatives:
        rows = [[_("stakeholder"), _("PV costs"), _("PV benefits"), _("NPV")]]
        rows += [[s["label"], euro(s["pv_costs"]), euro(s["pv_benefits"]), euro(s["npv"])]
                 for s in a.stakeholders]
        story += [Spacer(1, 2 * mm), Paragraph(_esc(_("Per stakeholder: %(name)s")
                                                    % {"name": a.name}), styles["Heading3"]),
                  _table(rows)]
        if a.pm_items:
            story.append(Paragraph(_esc(_("PM items (not valued in money): ") + "; ".join(
                f"{p['direction']} {p['measure']}: {p['name']}" for p in a.pm_items)), body))
    lines = [[_("alternative"), _("measure"), _("line"), _("kind"), _("present value")]]
    lines += [[a.name, line["measure"], line["name"], line["kind"], euro(line["present_value"])]
              for a in view.alternatives for line in a.costs + a.effects]
    story += [Spacer(1, 2 * mm), Paragraph(_esc(_("Costs and effects (present values)")),
                                           styles["Heading3"]), _table(lines, wrap=True,
                                                                       styles=styles)]
    unc = [[_("alternative"), "P5", "P50", "P95", _("P(NPV > 0)")]]
    unc += [[a.name, euro(a.monte_carlo["percentiles"]["5"]),
             euro(a.monte_carlo["percentiles"]["50"]), euro(a.monte_carlo["percentiles"]["95"]),
             _pct(a.monte_carlo["probability_positive"])]
            for a in view.alternatives if a.monte_carlo]
    tornado = [[_("alternative"), _("parameter"), _("NPV at low"), _("NPV at high")]]
    tornado += [[a.name, t["parameter"], euro(t["npv_low"]), euro(t["npv_high"])]
                for a in view.alternatives for t in a.tornado]
    section(_("Uncertainty"),
            *([_table(unc)] if view.monte_carlo else
              [Paragraph(_esc(_("No parameter has a distribution: no Monte Carlo analysis.")),
                         body)]),
            Spacer(1, 2 * mm), _table(tornado))
    for a in view.alternatives:
        charts: list[Any] = []
        if a.tornado:
            charts += [Spacer(1, 3 * mm), pdf_charts.tornado_drawing(
                a.tornado, a.summary["npv"], _("Tornado chart of %(name)s") % {"name": a.name})]
        if a.histogram:
            rows = [[_("NPV from"), _("NPV to"), _("draws")]]
            rows += [[euro(lo), euro(hi), str(n)] for lo, hi, n in a.histogram_rows]
            charts += [Spacer(1, 3 * mm), pdf_charts.histogram_drawing(
                a.histogram["edges"], a.histogram["counts"],
                _("Distribution of the NPV of %(name)s") % {"name": a.name}), _table(rows)]
        story += charts
    assumptions = [[_("item"), _("value"), _("unit"), _("distribution / origin"), _("source")]]
    assumptions += [[str(c) for c in row] for row in _assumption_rows(view)]
    section(_("Assumptions and sources"), _table(assumptions, wrap=True, styles=styles))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=analysis.title, leftMargin=18 * mm,
                      rightMargin=18 * mm).build(story)
    return out.getvalue()


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _table(rows: list[list[Any]], wrap: bool = False, styles: Any = None) -> Table:
    if wrap:
        small = styles["BodyText"].clone("small", fontSize=8, leading=10)
        rows = [[Paragraph(_esc(str(c)), small) for c in row] for row in rows]
    table = Table(rows, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT") if not wrap else ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table
