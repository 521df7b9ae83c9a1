"""What a request is: its life (lifecycle), how it is sent and changed
(submission, drafts, forwarding), its clock in working days or office
minutes (clock, holidays), work steps (steps), bookings (booking,
booking_forms), ready-made replies (replies), who is told what (notify),
personal data kept and deleted (privacy), the services an agency offers
(catalogue) and what a request's pages show (pages).

Imports from: portal.identity, portal.files, portal.forms, portal.base,
portal.plugins and the bottom modules. Never from staff, web or ops."""
