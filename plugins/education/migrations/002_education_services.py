"""Staff ID cards, pension gratuity, schools, form prices and form orders."""

import peewee as pw
from peewee_migrate import Migrator

from portal.migrate import core_table

RequestRef = core_table("request")
AgencyRef = core_table("agency")


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class StaffCardRequest(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        official_type = pw.CharField(index=True, max_length=40)
        work_unit = pw.CharField(max_length=255)
        position = pw.CharField(max_length=255)
        reason = pw.CharField(index=True, max_length=20)
        birth_date = pw.DateField()

        class Meta:
            table_name = "staff_card_request"

    @migrator.create_model
    class PensionRequest(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        email = pw.CharField(max_length=255)
        has_pledge = pw.BooleanField(index=True)
        pledge_amount = pw.DecimalField(decimal_places=2, max_digits=12, null=True)

        class Meta:
            table_name = "pension_request"

    @migrator.create_model
    class School(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        name = pw.CharField(max_length=255)
        active = pw.BooleanField(default=True)

        class Meta:
            table_name = "school"
            indexes = [(("agency", "name"), True)]

    @migrator.create_model
    class FormPrice(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name="agency_id", field="id", model=AgencyRef,
                                    on_delete="CASCADE")
        code = pw.CharField(max_length=20)
        price = pw.DecimalField(decimal_places=2, max_digits=10)

        class Meta:
            table_name = "form_price"
            indexes = [(("agency", "code"), True)]

    @migrator.create_model
    class FormOrder(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name="request_id", field="id", model=RequestRef,
                                     on_delete="CASCADE", unique=True)
        school = pw.ForeignKeyField(column_name="school_id", field="id", model=School,
                                    null=True, on_delete="SET NULL")
        other_affiliation = pw.CharField(default="", max_length=255)
        lines = pw.TextField()
        total = pw.DecimalField(decimal_places=2, max_digits=12)
        shipping = pw.DecimalField(decimal_places=2, max_digits=12)
        grand_total = pw.DecimalField(decimal_places=2, max_digits=12)

        class Meta:
            table_name = "form_order"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("form_order")
    migrator.remove_model("form_price")
    migrator.remove_model("school")
    migrator.remove_model("pension_request")
    migrator.remove_model("staff_card_request")
