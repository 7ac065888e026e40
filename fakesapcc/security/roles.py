"""SAP's roles and the role sets its controllers declare with ``@Secured``, each named once.

An endpoint names one of these sets on its route (``@operation(..., secured=roles.CHECKOUT)``);
``security.access`` enforces it. A role is ``ROLE_`` + the user group's uid in upper case; a
client token carries its client's authorities, a customer's token ``ROLE_CUSTOMERGROUP``, and a
guest's cart lends ``ROLE_GUEST`` to whoever calls on it (SAP's GuestRoleFilter).
"""
from __future__ import annotations

from dataclasses import dataclass

CUSTOMERGROUP = "ROLE_CUSTOMERGROUP"
CUSTOMERMANAGERGROUP = "ROLE_CUSTOMERMANAGERGROUP"
TRUSTED_CLIENT = "ROLE_TRUSTED_CLIENT"
CLIENT = "ROLE_CLIENT"
GUEST = "ROLE_GUEST"
ASAGENTGROUP = "ROLE_ASAGENTGROUP"
CUSTOMERSUPPORTAGENTGROUP = "ROLE_CUSTOMERSUPPORTAGENTGROUP"
B2BADMINGROUP = "ROLE_B2BADMINGROUP"
B2BAPPROVERGROUP = "ROLE_B2BAPPROVERGROUP"
UNITORDERVIEWERGROUP = "ROLE_UNITORDERVIEWERGROUP"


def role_of_group(group_uid: str) -> str:
    """SAP's role name for a user group: ``asagentgroup`` → ``ROLE_ASAGENTGROUP``."""
    return "ROLE_" + group_uid.upper()


@dataclass(frozen=True)
class Secured:
    """A ``@Secured`` annotation: the caller needs one of ``roles``; ``None`` is an endpoint
    without the annotation (only the security filters apply)."""

    name: str
    roles: frozenset[str] | None

    def allows(self, held: frozenset[str] | set[str]) -> bool:
        return self.roles is None or not self.roles.isdisjoint(held)

    def __repr__(self) -> str:
        return f"Secured({self.name})"


def secured(name: str, *roles: str) -> Secured:
    return Secured(name, frozenset(roles))


#: no ``@Secured``: anyone the filters let through (catalog, site context, carts of the
#: anonymous user, …)
OPEN = Secured("OPEN", None)
#: the account of a user: UsersController, addresses, payment details, consents, interests
USER = secured("USER", CUSTOMERGROUP, TRUSTED_CLIENT, CUSTOMERMANAGERGROUP)
#: registration needs a client token (or an agent registering a customer)
REGISTRATION = secured("REGISTRATION", CLIENT, TRUSTED_CLIENT, CUSTOMERMANAGERGROUP)
#: the checkout steps of a cart: delivery address and mode, payment details
CHECKOUT = secured("CHECKOUT", CUSTOMERGROUP, GUEST, CUSTOMERMANAGERGROUP, TRUSTED_CLIENT)
#: vouchers on a cart: also a plain client token (an anonymous cart)
VOUCHER = secured("VOUCHER", CLIENT, CUSTOMERGROUP, CUSTOMERMANAGERGROUP, TRUSTED_CLIENT,
                  GUEST)
#: placing an order (B2C) and reading one: a client token for the guest's too
ORDERS = secured("ORDERS", CUSTOMERGROUP, CLIENT, TRUSTED_CLIENT, CUSTOMERMANAGERGROUP)
#: the guest checkout e-mail: a client token on the anonymous cart
GUEST_EMAIL = secured("GUEST_EMAIL", CLIENT, TRUSTED_CLIENT)
#: forgotten passwords: a client token (ForgottenPasswordsController)
PASSWORD_RESET = secured("PASSWORD_RESET", CLIENT, TRUSTED_CLIENT)
#: one-time verification tokens (login, registration): a client token, as forgotten passwords
VERIFICATION_TOKEN = secured("VERIFICATION_TOKEN", CLIENT, TRUSTED_CLIENT)
#: any order by code: trusted clients only
TRUSTED = secured("TRUSTED", TRUSTED_CLIENT)
#: customer groups (CustomerGroupsController): customer managers only
CUSTOMER_MANAGER = secured("CUSTOMER_MANAGER", CUSTOMERMANAGERGROUP)
#: the message center (messagecenter/im): a customer, or a customer support agent
MESSAGE_CENTER = secured("MESSAGE_CENTER", CUSTOMERGROUP, CUSTOMERSUPPORTAGENTGROUP)
#: a customer's own conversations
MESSAGE_CENTER_CUSTOMER = secured("MESSAGE_CENTER_CUSTOMER", CUSTOMERGROUP)
#: the agent's side of the message center: the unassigned and its open conversations, picking
MESSAGE_CENTER_AGENT = secured("MESSAGE_CENTER_AGENT", CUSTOMERSUPPORTAGENTGROUP)
#: the Assisted Service Module web app: an agent (its session filter, on every ASM call)
ASM_AGENT = secured("ASM_AGENT", ASAGENTGROUP)

#: B2B organization management (b2bocc's OrgUnitsController, OrgCustomerManagement,
#: OrgUnitUserGroups, Budget, CostCenter and permission controllers): the organization's
#: administrator, or a trusted client; ``policy.OrgScope`` then keeps it to the unit's branch
ORG_ADMIN = secured("ORG_ADMIN", B2BADMINGROUP, TRUSTED_CLIENT)
#: an approver's order approvals (b2bocc's OrderApprovalsController)
ORDER_APPROVER = secured("ORDER_APPROVER", B2BAPPROVERGROUP, TRUSTED_CLIENT)
#: reading the active cost centers of one's organization (B2B checkout)
COST_CENTERS = secured("COST_CENTERS", CUSTOMERGROUP, GUEST, CUSTOMERMANAGERGROUP,
                       TRUSTED_CLIENT)

#: the orders of one's branch (b2bocc's B2BOrdersController: the right unitorderviewergroup)
UNIT_ORDER_VIEWER = secured("UNIT_ORDER_VIEWER", TRUSTED_CLIENT, UNITORDERVIEWERGROUP)
#: a cart from a past order (B2BOrdersController.createCartFromOrder)
REORDER = secured("REORDER", CUSTOMERGROUP, TRUSTED_CLIENT, CUSTOMERMANAGERGROUP, CLIENT)
#: a unit's account summary and financial documents (b2bocc's AccountSummaryController): the
#: organization's administrator only
ACCOUNT_SUMMARY = secured("ACCOUNT_SUMMARY", B2BADMINGROUP)

#: the role that lets a user act for others (UserMatchingFilter) and search customers
ACTS_FOR_OTHERS = frozenset({TRUSTED_CLIENT, CUSTOMERMANAGERGROUP})

#: fakesapcc's control plane (``/_fakesapcc``): not SAP's; its own guard (loopback, or the
#: admin token) decides before any route runs
CONTROL_PLANE = Secured("CONTROL_PLANE", None)
