"""The plan's period report (PDF with a trend chart per goal) and its XLSX export.

Only figures from goal_progress appear, so only disclosed values reach a document.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import SimpleDocTemplate, Spacer, Table

from wijkregie.core.models import User
from wijkregie.core.pdf import paragraph
from wijkregie.core.spreadsheet import append_text_safe
from wijkregie.regie import selectors
from wijkregie.regie.models import MeasureUpdate, Plan
from wijkregie.regie.services import Progress
from wijkregie.regie.templatetags.regie_format import bands_sentence, nl_number

LIGHT_LABELS = {"green": "groen", "amber": "oranje", "red": "rood", "none": "geen oordeel"}


def _light(progress: Progress) -> str:
    return str(_(LIGHT_LABELS[progress.light]))


def _trend_chart(progress: Progress, milestones: list[tuple[int, float]]) -> Drawing | None:
    """Disclosed values (solid) against the milestones (dashed)."""
    values = [(p.year, p.value) for p in progress.series if p.value is not None]
    if not values:
        return None
    drawing = Drawing(400, 120)
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 20, 340, 90
    lines = [values] + ([sorted(milestones)] if milestones else [])
    plot.data = lines
    plot.lines[0].strokeColor = colors.HexColor("#154273")
    if milestones:
        plot.lines[1].strokeColor = colors.HexColor("#e17000")
        plot.lines[1].strokeDashArray = [3, 3]
    drawing.add(plot)
    return drawing


def plan_pdf(user: User, plan: Plan, *, year: int | None = None,
             quarter: int | None = None) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=plan.title)
    period = f"{year}-Q{quarter}" if year and quarter else (str(year) if year else "")
    story: list = [paragraph(plan.title, styles["Title"]),
                   paragraph(f"{_('Programme area')}: {plan.programme_area.name}"
                             + (f" · {_('Period')}: {period}" if period else ""),
                             styles["Normal"]),
                   paragraph(bands_sentence(plan), styles["Normal"]), Spacer(1, 8)]
    for block in selectors.pillar_blocks(user, plan):
        story.append(paragraph(block.pillar.name, styles["Heading2"]))
        for row in block.goals:
            goal, progress = row.goal, row.progress
            decimals = goal.indicator.decimals
            latest = (f"{nl_number(progress.latest_value, decimals)} ({progress.latest_year})"
                      if progress.has_figure else _("no figure yet"))
            story.append(paragraph(goal.statement, styles["Heading3"]))
            story.append(Table([
                [_("Indicator"), goal.indicator.name_nl],
                [_("Baseline"), f"{nl_number(goal.baseline_value, decimals)} "
                                f"({goal.baseline_year})"],
                [_("Latest figure"), latest],
                [_("Milestone"), "—" if progress.planned_value is None else
                 f"{nl_number(progress.planned_value, decimals)} ({progress.planned_year})"],
                [_("Target"), "—" if progress.target_value is None else
                 f"{nl_number(progress.target_value, decimals)} ({goal.horizon_year})"],
                [_("Traffic light"), _light(progress)],
            ], hAlign="LEFT"))
            chart = _trend_chart(progress, [(m.year, m.value) for m in goal.milestones.all()])
            if chart is not None:
                story.append(chart)
    story.append(paragraph(_("Measures"), styles["Heading2"]))
    updates = MeasureUpdate.objects.filter(measure__plan=plan)
    if year:
        updates = updates.filter(year=year)
    if quarter:
        updates = updates.filter(quarter=quarter)
    by_measure: dict[int, list[MeasureUpdate]] = {}
    for update in updates.order_by("year", "quarter"):
        by_measure.setdefault(update.measure_id, []).append(update)
    rows = [[_("Measure"), _("Lead partner"), _("Status"), _("End"), _("Updates")]]
    for row in selectors.measure_rows(plan):
        m = row.measure
        rows.append([paragraph(m.title, styles["Normal"]), m.lead_organisation.name,
                     str(m.get_status_display()) + (f" ({_('overdue')})" if row.overdue
                                                    else ""),
                     m.end.strftime("%d-%m-%Y"),
                     paragraph(", ".join(f"{u.period_label} {u.get_status_display()}"
                                         for u in by_measure.get(m.pk, [])),
                               styles["Normal"])])
    story.append(Table(rows, hAlign="LEFT", repeatRows=1, colWidths=[130, 110, 70, 60, 81]))
    doc.build(story)
    return buffer.getvalue()


def plan_xlsx(user: User, plan: Plan) -> bytes:
    book = Workbook()
    goals = book.active
    goals.title = str(_("Goals"))[:31]
    append_text_safe(goals, [str(_(h)) for h in (
        "Pillar", "Goal", "Indicator", "Baseline year", "Baseline", "Latest year",
        "Latest figure", "Milestone year", "Milestone", "Target", "Horizon year",
        "Traffic light")])
    for block in selectors.pillar_blocks(user, plan):
        for row in block.goals:
            g, p = row.goal, row.progress
            append_text_safe(goals, [
                block.pillar.name, g.statement, g.indicator.name_nl, g.baseline_year,
                g.baseline_value, p.latest_year, p.latest_value, p.planned_year,
                p.planned_value, p.target_value, g.horizon_year, _light(p)])
    measures = book.create_sheet(str(_("Measures"))[:31])
    append_text_safe(measures, [str(_(h)) for h in (
        "Measure", "Kind", "Lead partner", "Budget", "Funding stream", "Start", "End",
        "Status", "Overdue")])
    for row in selectors.measure_rows(plan):
        m = row.measure
        append_text_safe(measures, [
            m.title, str(m.get_kind_display()), m.lead_organisation.name,
            float(m.budget) if m.budget is not None else None, m.funding_stream,
            m.start, m.end, str(m.get_status_display()), row.overdue])
    updates = book.create_sheet(str(_("Updates"))[:31])
    append_text_safe(updates, [str(_(h)) for h in (
        "Measure", "Period", "Status", "Spending", "Deliverables done", "Narrative")])
    for u in MeasureUpdate.objects.filter(measure__plan=plan).select_related("measure"):
        append_text_safe(updates, [
            u.measure.title, u.period_label, str(u.get_status_display()),
            float(u.spending) if u.spending is not None else None,
            u.deliverables_done, u.narrative])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
