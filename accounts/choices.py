from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    """Kinds of node in the organization tree.

    Areas (city → district → street → community) carry the space; the other kinds are bodies that
    sit under an area: the city's command center, a district's platform, supervisor teams and the
    handling units that cases are dispatched to.
    """

    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    COMMAND_CENTER = "center", _("Command center")
    DISTRICT_PLATFORM = "platform", _("District platform")
    SUPERVISOR_TEAM = "team", _("Supervisor team")
    HANDLING_UNIT = "unit", _("Handling unit")


AREA_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET, OrgKind.COMMUNITY)
# Bodies that act for the area they sit in: their members' data scope is that whole area.
AREA_BODIES = (OrgKind.COMMAND_CENTER, OrgKind.DISTRICT_PLATFORM, OrgKind.SUPERVISOR_TEAM)

# Which kinds may sit under which: keeps the tree shaped like the domain.
ALLOWED_PARENTS = {
    OrgKind.CITY: (),
    OrgKind.DISTRICT: (OrgKind.CITY,),
    OrgKind.STREET: (OrgKind.DISTRICT,),
    OrgKind.COMMUNITY: (OrgKind.STREET,),
    OrgKind.COMMAND_CENTER: (OrgKind.CITY,),
    OrgKind.DISTRICT_PLATFORM: (OrgKind.DISTRICT,),
    OrgKind.SUPERVISOR_TEAM: (OrgKind.CITY, OrgKind.DISTRICT),
    OrgKind.HANDLING_UNIT: (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.STREET),
}


class UnitType(models.TextChoices):
    DISTRICT_GOVERNMENT = "government", _("District government")
    FUNCTIONAL_DEPARTMENT = "department", _("Functional department")
    COMPANY = "company", _("Company")
    STREET_OFFICE = "street", _("Street office")


class Role(models.TextChoices):
    """The roles of the domain spec (section 2). Each is a Django group of the same name."""

    SUPERVISOR = "supervisor", _("Supervisor")
    INTAKE_OPERATOR = "intake_operator", _("Intake operator")
    SHIFT_LEADER = "shift_leader", _("Shift leader")
    DISPATCHER = "dispatcher", _("Dispatcher")
    DISTRICT_OPERATOR = "district_operator", _("District operator")
    UNIT_OPERATOR = "unit_operator", _("Handling unit operator")
    LEADER = "leader", _("Leader")
    ADMINISTRATOR = "administrator", _("Administrator")


# Staff of the command center and the district platforms, and the leaders: who read evaluation and sampling.
OFFICE_ROLES = (
    Role.LEADER,
    Role.ADMINISTRATOR,
    Role.DISPATCHER,
    Role.SHIFT_LEADER,
    Role.INTAKE_OPERATOR,
    Role.DISTRICT_OPERATOR,
)
# The desks that take cases in and answer the public: the center's and the districts'.
DESK_ROLES = (Role.INTAKE_OPERATOR, Role.SHIFT_LEADER, Role.DISPATCHER, Role.DISTRICT_OPERATOR)
