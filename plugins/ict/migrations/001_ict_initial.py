"""ICT Service Center: repair tickets, phone log, server security reviews."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    request_t, agency_t, users_t = (core_table(t) for t in ("request", "agency", "users"))

    @migrator.create_model
    class RepairTicket(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=request_t,
                                     on_delete="CASCADE", unique=True)
        asset_number = pw.CharField(index=True, max_length=255)
        equipment = pw.CharField(index=True, max_length=20)
        location = pw.CharField(max_length=255)

        class Meta:
            table_name = "ict_repair_ticket"

    @migrator.create_model
    class PhoneCall(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=agency_t,
                                    on_delete="CASCADE")
        received_at = pw.DateTimeField(index=True)
        caller = pw.CharField(max_length=255)
        unit = pw.CharField(max_length=255)
        phone = pw.CharField(default="", max_length=20)
        problem = pw.TextField()
        answered_at_once = pw.BooleanField(default=True)
        answer = pw.TextField(default="")
        callback_due = pw.DateTimeField(index=True, null=True)
        expert = pw.CharField(default="", max_length=255)
        closed_at = pw.DateTimeField(null=True)
        recorded_by = pw.ForeignKeyField(column_name="recorded_by_id", field="id", model=users_t,
                                         null=True, on_delete="SET NULL")

        class Meta:
            table_name = "ict_phone_call"

    @migrator.create_model
    class SecurityReview(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=agency_t,
                                    on_delete="CASCADE")
        review_date = pw.DateField(index=True)
        servers = pw.CharField(max_length=255)
        risks = pw.TextField()
        items_checked = pw.TextField()
        plan = pw.TextField()
        maintained = pw.BooleanField(default=False)
        repaired = pw.BooleanField(default=False)
        actions = pw.TextField(default="")
        report = pw.TextField(default="")
        reviewer = pw.ForeignKeyField(column_name="reviewer_id", field="id", model=users_t,
                                      null=True, on_delete="SET NULL")

        class Meta:
            table_name = "ict_security_review"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("ict_security_review")
    migrator.remove_model("ict_phone_call")
    migrator.remove_model("ict_repair_ticket")
