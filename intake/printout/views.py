"""Print chart (PDF): choose the whole chart or two dates, then download the PDF (clinical staff only)."""

from flask import Response, render_template, request

from intake.audit import models as audit
from intake.audit.operations import record_event
from intake.auth.access import roles_required
from intake.auth.roles import CLINICAL
from intake.clinic_time import clinic_today
from intake.extensions import db
from intake.patients.models import Patient
from intake.patients.records import get_patient
from intake.printout import bp
from intake.printout.content import PrintPeriod, load_printout
from intake.printout.forms import PrintoutForm
from intake.printout.pdf import pdf_filename, render_pdf

NOTHING_IN_RANGE = "Nothing was recorded between these dates: no intake, signed visit note or pain score."


def _choice_page(patient: Patient, form: PrintoutForm, status: int = 200):
    """Show the choice of what to print (the page names the patient, so the look is recorded)."""
    detail = "print form" if status == 200 else "print form, dates to fix"
    record_event(audit.VIEW, patient=patient, record_type="chart_printout", detail=detail)
    db.session.commit()
    return render_template("printout/choose.html", patient=patient, form=form), status


@bp.route("/")
@roles_required(*CLINICAL)
def choose(patient_id: int):
    return _choice_page(get_patient(patient_id), PrintoutForm(formdata=None))


@bp.route("/chart.pdf")
@roles_required(*CLINICAL)
def chart_pdf(patient_id: int):
    patient = get_patient(patient_id)
    form = PrintoutForm(request.args)
    if not form.validate():
        return _choice_page(patient, form, 422)
    printed = PrintPeriod() if form.is_whole_chart else PrintPeriod(form.start.data, form.end.data)
    printout = load_printout(patient, printed)
    if printout.is_empty and not printed.is_whole_chart:
        form.start.errors = [NOTHING_IN_RANGE]
        return _choice_page(patient, form, 422)
    pdf = render_pdf(printout)
    # Recorded once the file exists, with what it holds; committed before the file leaves.
    record_event(audit.EXPORT, patient=patient, record_type="chart", detail=f"PDF, {printed.in_words()}")
    db.session.commit()
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{pdf_filename(patient.chart_number, clinic_today())}"',
            "Cache-Control": "no-store",
        },
    )
