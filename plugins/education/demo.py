"""Rooms, executives and schools for the demo agency."""

from __future__ import annotations

import datetime as dt

from portal.models import Agency, Resource, ResourceHours

from .models import School

ROOMS = (("ห้องประชุมใหญ่ (ชั้น 2)", 80, "โปรเจกเตอร์ ไมโครโฟน 6 ตัว ระบบประชุมทางไกล"),
         ("ห้องประชุมเล็ก (ชั้น 1)", 20, "จอโทรทัศน์ 65 นิ้ว กระดานไวท์บอร์ด"))
EXECUTIVES = (("นายสมศักดิ์ ใจกว้าง", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"),
              ("นางสาวมาลี ศรีสุข", "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"))
SCHOOLS = ("โรงเรียนบ้านหนองน้ำใส", "โรงเรียนบ้านโนนสูง", "โรงเรียนอนุบาลกุดชุม")


def load(agency: Agency) -> None:
    for name, capacity, equipment in ROOMS:
        Resource.get_or_create(agency=agency, kind="meeting_room", name=name,
                               defaults={"capacity": capacity, "details": equipment})
    for name, position in EXECUTIVES:
        executive, created = Resource.get_or_create(agency=agency, kind="executive", name=name,
                                                    defaults={"details": position})
        if created:
            for weekday in range(5):
                for start, end in ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(16))):
                    ResourceHours.create(resource=executive, weekday=weekday,
                                         start_time=start, end_time=end, slot_minutes=30)
    for name in SCHOOLS:
        School.get_or_create(agency=agency, name=name)
