"""The report's own duties from seed 003: an on/off switch on each obstacle
row, what the Act asks under each section ("ดูเพิ่มเติม"), and no §16
order asked of a service point."""

from __future__ import annotations

import csv
import io
import re

from plugins.egov.models import Obstacle, ObstacleKind
from portal.models import AuditLog

from .test_egov import client_for, public, tree, upload  # noqa: F401 - fixture by name


def obstacles_csv(client) -> dict[str, list[str]]:
    rows = list(csv.reader(io.StringIO(client.get("/admin/egov_report/export.csv").get_data()
                                       .decode("utf-8-sig"))))
    return {row[0]: row for row in rows[1:]}


def test_each_obstacle_row_has_its_own_switch(app, tree):  # noqa: F811
    admin = client_for(app, tree["area_admin"])
    area = tree["area"]
    kinds = list(ObstacleKind.select().order_by(ObstacleKind.position))
    admin.post(f"/admin/egov_report/report/{area.id}/obstacles", data={
        "kind_1": kinds[3].id, "text_1": "งบประมาณไม่เพียงพอ", "kind_2": kinds[4].id,
        "text_2": "ขาดบุคลากรด้านไอที"})
    first, second = Obstacle.select().order_by(Obstacle.rank)
    page = admin.get(f"/admin/egov_report/report/{area.id}").get_data(as_text=True)
    assert f'data-obstacle="{second.id}"' in page and "ปิดการใช้งาน" in page
    r = admin.post(f"/admin/egov_report/report/{area.id}/toggle/obstacle/{second.id}")
    assert r.status_code == 302 and r.headers["Location"].endswith("#obstacles")
    assert Obstacle.get_by_id(second.id).published is False
    assert AuditLog.select().where((AuditLog.action == "egov_toggle")
                                   & AuditLog.detail.startswith(f"obstacle:{second.id}")).exists()
    assert obstacles_csv(admin)["area1"][12] == "1. งบประมาณ"
    # Saving the ranks again keeps the switch of a kind that stays.
    admin.post(f"/admin/egov_report/report/{area.id}/obstacles", data={
        "kind_1": kinds[4].id, "text_1": "ขาดบุคลากรด้านไอที", "kind_2": kinds[3].id,
        "text_2": "งบประมาณไม่เพียงพอ"})
    assert {(o.kind_id, o.published) for o in Obstacle.select()} == {
        (kinds[4].id, False), (kinds[3].id, True)}
    admin.post(f"/admin/egov_report/report/{area.id}/toggle/obstacle/"
               f"{Obstacle.get(Obstacle.kind == kinds[4].id).id}")
    assert obstacles_csv(admin)["area1"][12] == "1. บุคลากร | 2. งบประมาณ"
    # Another agency's admin cannot switch this agency's rows.
    sibling = client_for(app, tree["sibling_admin"])
    assert sibling.post(f"/admin/egov_report/report/{area.id}/toggle/obstacle/"
                        f"{first.id}").status_code == 404


def test_every_section_says_what_the_act_asks(app, tree):  # noqa: F811
    admin = client_for(app, tree["area_admin"])
    page = admin.get(f"/admin/egov_report/report/{tree['area'].id}").get_data(as_text=True)
    found = dict(re.findall(r'data-section="([^"]+)"><summary>ดูเพิ่มเติม</summary>'
                            r'<p class="mb-0">([^<]+)</p>', page))
    assert set(found) == {"s10", "s13_1", "channel", "s16", "obstacles"}
    assert found["s10"].startswith("มาตรา 10 หน่วยงานของรัฐต้องประกาศกำหนดช่องทางอิเล็กทรอนิกส์")
    assert "ให้เป็นสิทธิของผู้รับอนุญาตและหน้าที่ของผู้อนุญาต" in found["s13_1"]
    assert "ราชกิจจานุเบกษา" in found["s13_1"]
    assert "นร 1200/ว6" in found["s16"]


def test_a_service_point_is_not_asked_for_a_section_16_order(app, tree):  # noqa: F811
    admin = client_for(app, tree["area_admin"])
    school = admin.get(f"/admin/egov_report/report/{tree['school'].id}").get_data(as_text=True)
    assert 'data-testid="s16-not-required"' in school and "จุดบริการไม่ต้องจัดทำ" in school
    area = admin.get(f"/admin/egov_report/report/{tree['area'].id}").get_data(as_text=True)
    assert 's16-not-required' not in area
    assert "จุดบริการไม่ต้องจัดทำ" in public(app, tree["school"])
    assert "จุดบริการไม่ต้องจัดทำ" not in public(app, tree["area"])
    rows = obstacles_csv(client_for(app, tree["dept_admin"]))
    assert rows["school1"][11] == "จุดบริการไม่ต้องจัดทำ" and rows["area1"][11] == "0"
    # A service point that did publish an order anyway has it counted.
    upload(admin, tree["school"], section="s16", dated="01/01/2567")
    assert obstacles_csv(client_for(app, tree["dept_admin"]))["school1"][11] == "1"
