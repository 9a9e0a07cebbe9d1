"""Uploads are served only by views that check access, in every mode, under names that
say nothing about other files."""

from __future__ import annotations

import importlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import clear_url_caches
from PIL import Image

from gonghui.stations.services import star_application_submit, station_photo_add
from tests.cases.helpers import app_case, png
from tests.factories import Tree, make_staff, make_worker_user
from tests.stations.helpers import make_station

pytestmark = pytest.mark.django_db


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("门口.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def debug_urls(settings):
    """The URLconf as `make run` builds it (DEBUG on), restored afterwards."""
    import gonghui.urls

    settings.DEBUG = True
    importlib.reload(gonghui.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(gonghui.urls)
    clear_url_caches()


def test_anonymous_get_of_a_media_path_is_404_even_in_development(client, debug_urls, settings):
    tree = Tree()
    case = app_case(tree, attachments=[png()])
    attachment = case.attachments.get()
    assert (settings.MEDIA_ROOT / attachment.file.name).exists()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(attachment.file.url).status_code == 404  # the checked view, anonymous


def test_stored_names_are_random_and_the_original_name_is_kept():
    tree = Tree()
    case = app_case(tree, attachments=[png("工资条.png"), png("工资条.png")])
    first, second = case.attachments.order_by("pk")
    assert first.file.name != second.file.name
    assert case.number not in first.file.name and "工资条" not in first.file.name
    assert first.original_name == "工资条.png"


def test_case_attachment_file_is_served_to_the_reporter_and_branch_staff_only():
    tree = Tree()
    reporter = make_worker_user()
    case = app_case(tree, user=reporter, attachments=[png()])
    url = case.attachments.get().file.url
    assert not url.startswith("/media/")
    allowed = [reporter, tree.staff_a]
    refused = [make_worker_user(), tree.staff_b]
    for user in allowed + refused:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == (200 if user in allowed else 404), user
        if response.status_code == 200:
            assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(url).status_code == 404


def test_station_photos_public_for_a_public_station_private_for_star_applications(client):
    tree = Tree()
    station = make_station(union=tree.city_a)
    staff = make_staff(union=tree.city_a)
    public = station_photo_add(actor=staff, station=station, image=_photo())
    response = client.get(public.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    application = star_application_submit(actor=staff, station=station, requested_level=3)
    private = station_photo_add(actor=staff, station=station, image=_photo(), application=application)
    assert client.get(private.image.url).status_code == 404
    client.force_login(staff)
    assert client.get(private.image.url).status_code == 200
    client.force_login(tree.staff_b)
    assert client.get(private.image.url).status_code == 404


def test_files_of_an_unregistered_folder_or_a_crafted_path_are_never_served(settings):
    admin = make_staff(union=None)
    admin.is_superuser = True
    admin.save()
    (settings.MEDIA_ROOT / "roster_imports").mkdir(parents=True)
    (settings.MEDIA_ROOT / "roster_imports" / "x.csv").write_text("姓名,身份证号\n")
    client = Client()
    client.force_login(admin)
    for path in ("/files/roster_imports/x.csv", "/files/../settings.py", "/files/cases/../roster_imports/x.csv"):
        assert client.get(path).status_code == 404, path
