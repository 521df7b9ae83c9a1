"""The work steps of each process, as the ICT Service Center's work manual
(seed 001, section 6) lists them, with its branches and loops."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.plugins import Outcome, Step

REPAIR = (
    Step("receive", _l("Receive the repair request")),
    Step("check", _l("Check the reported problem")),
    Step("diagnose", _l("Analyse the cause and inspect"), outcomes=(
        Outcome("in_house", _l("Can be repaired here")),
        Outcome("warranty", _l("Rented or under warranty: contact the shop or company")),
        Outcome("parts", _l("Parts needed: ask the supplies unit to buy them")),
    )),
    Step("vendor", _l("Contact the responsible shop or company"),
         when=("diagnose", "warranty")),
    Step("procurement", _l("Ask the supplies unit to buy the parts"), when=("diagnose", "parts")),
    Step("repair", _l("Repair and maintain")),
    Step("test", _l("Check the result of the repair"), outcomes=(
        Outcome("pass", _l("Works")),
        Outcome("fail", _l("Still faulty: repair again"), back_to="repair"),
    )),
    Step("handover", _l("Hand over")),
)


def _web_review(back_to: str) -> Step:
    return Step("review", _l("Check the web page is correct"), outcomes=(
        Outcome("ok", _l("Correct")),
        Outcome("fix", _l("Something is wrong: fix it"), back_to=back_to),
    ))


def _verify_display() -> Step:
    return Step("verify", _l("Check how it is displayed"),
                value_label=_l("Published address (URL)"), value_kind="url",
                value_for_requester=True)


WEBSITE = (
    Step("collect", _l("Receive and gather the content")),
    Step("check", _l("Check the content is correct")),
    Step("prepare", _l("Design and prepare the electronic files")),
    Step("build", _l("Build the web page")),
    _web_review("build"),
    Step("upload", _l("Upload to the server")),
    _verify_display(),
)

NEWS = (
    Step("receive", _l("Receive the news to publish")),
    Step("check", _l("Check the content is correct")),
    Step("prepare", _l("Design and prepare the electronic files")),
    Step("publish", _l("Create the news item and upload pictures or files")),
    _web_review("publish"),
    _verify_display(),
)

SOFTWARE = (
    Step("receive", _l("Receive the installation request")),
    Step("prepare", _l("Prepare the installation media")),
    Step("install", _l("Install the program")),
    Step("test", _l("Test that it works"), outcomes=(
        Outcome("pass", _l("Works")),
        Outcome("fail", _l("Does not work: find the problem and install again"),
                back_to="install"),
    )),
    Step("follow_up", _l("Follow up after installation")),
)

APP_DEV = (
    Step("receive", _l("Receive the need for a program or database")),
    Step("analyse", _l("Analyse the need"), outcomes=(
        Outcome("develop", _l("A new program is needed")),
        Outcome("existing", _l("An existing program already meets the need")),
    )),
    Step("gather", _l("Gather requirements and data"), when=("analyse", "develop")),
    Step("design", _l("Design the program and database"), when=("analyse", "develop")),
    Step("build", _l("Build the program and database"), when=("analyse", "develop")),
    Step("test", _l("Test and check the program"), when=("analyse", "develop"), outcomes=(
        Outcome("pass", _l("Correct")),
        Outcome("fail", _l("Something is wrong: fix it"), back_to="build"),
    )),
    Step("deliver", _l("Deliver")),
)

EDOC = (
    Step("receive", _l("Receive the account request")),
    Step("check", _l("Check the details of the form"), outcomes=(
        Outcome("complete", _l("Complete and correct")),
        Outcome("incomplete", _l("Incomplete: contact the requester, then check again"),
                back_to="check"),
    )),
    Step("record", _l("Record the details in the system")),
    Step("notify", _l("Tell the requester their access rights"),
         value_label=_l("User name created"), value_for_requester=True),
)
