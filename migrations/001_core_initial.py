"""Core tables: agencies, users, memberships, requests, history, files."""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class Agency(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=40, unique=True)
        name_th = pw.CharField(max_length=255)
        name_en = pw.CharField(default='', max_length=255)
        parent = pw.ForeignKeyField(column_name='parent_id', field='id', model='self', null=True, on_delete='RESTRICT')
        address = pw.TextField(default='')
        phone = pw.CharField(default='', max_length=60)
        email = pw.CharField(default='', max_length=255)
        website = pw.CharField(default='', max_length=255)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "agency"

    @migrator.create_model
    class AgencyService(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name='agency_id', field='id', model=migrator.orm['agency'], on_delete='CASCADE')
        service_code = pw.CharField(max_length=40)
        enabled = pw.BooleanField(default=True)
        target_days = pw.IntegerField(null=True)

        class Meta:
            table_name = "agency_service"
            indexes = [(('agency', 'service_code'), True)]

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        national_id = pw.CharField(max_length=13, unique=True)
        title = pw.CharField(max_length=40)
        first_name = pw.CharField(max_length=100)
        last_name = pw.CharField(max_length=100)
        phone = pw.CharField(default='', max_length=20)
        email = pw.CharField(default='', max_length=255)
        password_hash = pw.CharField(max_length=255)
        is_system_admin = pw.BooleanField(default=False)
        active = pw.BooleanField(default=True)
        session_token = pw.CharField(max_length=40)
        pdpa_consent_at = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "users"

    @migrator.create_model
    class Request(pw.Model):
        id = pw.AutoField()
        reference = pw.CharField(max_length=32, unique=True)
        service_code = pw.CharField(max_length=40)
        agency = pw.ForeignKeyField(column_name='agency_id', field='id', model=migrator.orm['agency'], on_delete='RESTRICT')
        requester = pw.ForeignKeyField(column_name='requester_id', field='id', model=migrator.orm['users'], null=True, on_delete='SET NULL')
        applicant_name = pw.CharField(max_length=255)
        contact_phone = pw.CharField(default='', max_length=20)
        status = pw.CharField(max_length=20)
        payload = pw.TextField()
        version = pw.IntegerField(default=1)
        submitted_at = pw.DateTimeField()
        status_changed_at = pw.DateTimeField()
        due_date = pw.DateField(null=True)
        staff_message = pw.TextField(default='')

        class Meta:
            table_name = "request"
            indexes = [(('requester', 'submitted_at'), False), (('agency', 'submitted_at'), False), (('agency', 'service_code', 'status'), False), (('agency', 'status', 'due_date'), False)]

    @migrator.create_model
    class Attachment(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name='request_id', field='id', model=migrator.orm['request'], on_delete='CASCADE')
        slot = pw.CharField(max_length=40)
        original_name = pw.CharField(max_length=255)
        stored_name = pw.CharField(max_length=80, unique=True)
        content_type = pw.CharField(max_length=60)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['users'], null=True, on_delete='SET NULL')
        uploaded_at = pw.DateTimeField()
        is_result = pw.BooleanField(default=False)
        replaced_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "attachment"
            indexes = [(('request', 'slot'), False)]

    @migrator.create_model
    class AuditLog(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['users'], null=True, on_delete='SET NULL')
        ip = pw.CharField(default='', max_length=64)
        action = pw.CharField(index=True, max_length=40)
        target = pw.CharField(default='', max_length=120)
        detail = pw.TextField(default='')

        class Meta:
            table_name = "audit_log"

    @migrator.create_model
    class Holiday(pw.Model):
        id = pw.AutoField()
        agency = pw.ForeignKeyField(column_name='agency_id', field='id', model=migrator.orm['agency'], null=True, on_delete='CASCADE')
        day = pw.DateField()
        name = pw.CharField(max_length=255)

        class Meta:
            table_name = "holiday"
            indexes = [(('agency', 'day'), True)]

    @migrator.create_model
    class LoginThrottle(pw.Model):
        key = pw.CharField(max_length=64, primary_key=True)
        failures = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)
        last_failure_at = pw.DateTimeField()

        class Meta:
            table_name = "login_throttle"

    @migrator.create_model
    class Membership(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['users'], on_delete='CASCADE')
        agency = pw.ForeignKeyField(column_name='agency_id', field='id', model=migrator.orm['agency'], on_delete='CASCADE')
        role = pw.CharField(default='staff', max_length=20)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "membership"
            indexes = [(('user', 'agency'), True)]

    @migrator.create_model
    class MembershipService(pw.Model):
        id = pw.AutoField()
        membership = pw.ForeignKeyField(column_name='membership_id', field='id', model=migrator.orm['membership'], on_delete='CASCADE')
        service_code = pw.CharField(max_length=40)

        class Meta:
            table_name = "membership_service"
            indexes = [(('membership', 'service_code'), True)]

    @migrator.create_model
    class StatusEvent(pw.Model):
        id = pw.AutoField()
        request = pw.ForeignKeyField(column_name='request_id', field='id', model=migrator.orm['request'], on_delete='CASCADE')
        from_status = pw.CharField(max_length=20, null=True)
        to_status = pw.CharField(max_length=20)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['users'], null=True, on_delete='SET NULL')
        actor_role = pw.CharField(max_length=20)
        at = pw.DateTimeField()
        remark = pw.TextField(default='')
        changes = pw.TextField()

        class Meta:
            table_name = "status_event"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('status_event')

    migrator.remove_model('membership_service')

    migrator.remove_model('membership')

    migrator.remove_model('login_throttle')

    migrator.remove_model('holiday')


    migrator.remove_model('audit_log')

    migrator.remove_model('attachment')

    migrator.remove_model('request')

    migrator.remove_model('users')

    migrator.remove_model('agency_service')

    migrator.remove_model('agency')
