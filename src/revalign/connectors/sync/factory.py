"""Build a connector for a system from its settings (see settings.py)."""

from __future__ import annotations

from collections.abc import Mapping

from revalign.connectors.sync.ownership import Ownership
from revalign.connectors.sync.retry import Retry, SyncError
from revalign.connectors.sync.seam import Connector
from revalign.connectors.sync.settings import system_name
from revalign.contract.schema import VersionedContract


def open_connector(
    system: str,
    contract: VersionedContract,
    settings: Mapping[str, str],
    *,
    retry: Retry | None = None,
) -> Connector:
    policy = Ownership(contract.contract.sync)
    if system_name(system) == "hubspot":
        from revalign.connectors.hubspot.client import PUBLIC_API, HubSpotClient
        from revalign.connectors.hubspot.connector import HubSpotConnector

        token = settings.get("token")
        if not token:
            raise SyncError("HubSpot needs a private-app token: set REVALIGN_HUBSPOT_TOKEN")
        client = HubSpotClient(token, settings.get("url") or PUBLIC_API, retry)
        return HubSpotConnector(client, policy)
    from revalign.connectors.salesforce.client import SalesforceClient, login_from
    from revalign.connectors.salesforce.connector import SalesforceConnector

    return SalesforceConnector(SalesforceClient(login_from(settings), retry), policy)
