"""NL Design System look: its CSS from the npm lock file, a house style (design tokens)
per municipality, and every Django form rendered as NL Design System form fields."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from wijkregie.core.models import Municipality
from wijkregie.core.themes import available_themes


def test_each_demo_municipality_has_its_own_house_style(demo, login, client):
    blue = login("regisseur").get("/?overview=1").content.decode()
    green = login("regisseur2").get("/?overview=1").content.decode()
    assert re.search(r'<html lang="nl" class="[^"]*wijkregie-theme--havenblauw', blue)
    assert "/static/wijkregie/themes/havenblauw.css" in blue
    assert re.search(r'<html lang="nl" class="[^"]*wijkregie-theme--poldergroen', green)
    assert "/static/wijkregie/themes/poldergroen.css" in green
    # Before logging in there is no municipality: the NL Design System defaults.
    anonymous = client.get("/login/").content.decode()
    assert "wijkregie-theme--" not in anonymous and "nlds/voorbeeld/theme.css" in anonymous


def test_a_theme_is_a_tokens_file_and_an_unknown_one_is_refused(db):
    assert {"havenblauw", "poldergroen"} <= set(available_themes())
    tokens = (settings.BASE_DIR / "static/wijkregie/themes/poldergroen.css").read_text()
    assert ".wijkregie-theme--poldergroen {" in tokens
    assert "--basis-color-accent-1-inverse-bg-default:" in tokens
    municipality = Municipality(code="GM0001", name="Ergens", theme="bestaat-niet")
    with pytest.raises(ValidationError, match=r"bestaat-niet\.css"):
        municipality.full_clean()


def test_nl_design_system_css_is_served_from_node_modules(client):
    if not (settings.NODE_MODULES_DIR / "@utrecht").exists():
        pytest.skip("node_modules is absent: `make test` runs npm ci first")
    for asset in ("nlds/utrecht/index.css", "nlds/utrecht/html.css", "nlds/voorbeeld/theme.css"):
        response = client.get(f"/static/{asset}")
        assert response.status_code == 200, asset
    css = b"".join(client.get("/static/nlds/utrecht/index.css").streaming_content)
    assert b".utrecht-form-field" in css


class _ExampleForm(forms.Form):
    name = forms.CharField(label="Naam", help_text="Zoals op de gevel.")
    agree = forms.BooleanField(label="Akkoord", required=False)
    kinds = forms.MultipleChoiceField(label="Soorten", choices=[("a", "A"), ("b", "B")],
                                      widget=forms.CheckboxSelectMultiple, required=False)


@pytest.mark.parametrize("render", ["as_div", "as_p", "__str__"])
def test_forms_render_as_nl_design_system_form_fields(render):
    form = _ExampleForm(data={"name": ""})
    html = getattr(form, render)()
    assert html.count('class="utrecht-form-field ') == 2  # text and checkbox
    assert '<label for="id_name"' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'utrecht-form-field--invalid' in html and "utrecht-form-field-error-message" in html
    assert '<fieldset class="utrecht-form-fieldset' in html and "<legend" in html
    # The label of a checkbox follows the box (NL Design System checkbox field order).
    assert html.index('id="id_agree"') < html.index('<label for="id_agree"')
