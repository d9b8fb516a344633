"""Discovery: Blink Audio Doctor is offered for each loaded Blink account it does not read yet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.config_entries import (
    SOURCE_DHCP,
    SOURCE_IGNORE,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigEntry,
    ConfigEntryState,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.service_info.dhcp import DhcpServiceInfo
from homeassistant.loader import async_get_integration
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry

from blink_cloud_sim.server import SimServer
from custom_components.blink_audio_doctor.const import (
    CONF_BLINK_ENTRY_ID,
    CONF_MODE,
    DOMAIN,
    MODE_LINKED,
)

from .conftest import setup_core_blink, setup_own

MANIFEST = Path(__file__).parents[2] / "custom_components" / "blink_audio_doctor" / "manifest.json"


def _offers(hass: HomeAssistant) -> list[Any]:
    return list(hass.config_entries.flow.async_progress_by_handler(DOMAIN))


async def _load_ours(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done()


async def test_blink_devices_are_matched_like_the_blink_integration_matches_them(
    hass: HomeAssistant,
) -> None:
    blink = await async_get_integration(hass, "blink")
    ours = json.loads(MANIFEST.read_text(encoding="utf-8"))
    assert ours["dhcp"] == blink.dhcp


def _sighting() -> DhcpServiceInfo:
    return DhcpServiceInfo(ip="192.168.1.40", hostname="blink-sync", macaddress="b85f98aabbcc")


async def _sight_device(hass: HomeAssistant) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_DHCP}, data=_sighting()
    )


async def test_a_blink_device_with_no_blink_account_loaded_offers_nothing_from_us(
    hass: HomeAssistant,
) -> None:
    # The Blink integration answers this sighting; a second offer from us would only confuse.
    result = await _sight_device(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")
    assert _offers(hass) == []

    # A loaded Blink entry whose account cannot be read is no account to offer either.
    MockConfigEntry(domain="blink", state=ConfigEntryState.LOADED).add_to_hass(hass)
    result = await _sight_device(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")


async def test_a_blink_device_offers_the_loaded_account_before_any_entry_of_ours(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    # No entry of ours yet, so Blink Audio Doctor is not loaded: the sighting is the way in.
    assert hass.config_entries.async_entries(DOMAIN) == []
    result = await _sight_device(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "discovery_confirm"
    (offer,) = _offers(hass)
    assert offer["context"]["unique_id"] == str(blink_sim.world.accounts[0].account_id)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_BLINK_ENTRY_ID] == core_blink.entry_id
    await hass.async_block_till_done()

    # Set up now: the next sighting has nothing left to offer.
    result = await _sight_device(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")
    assert _offers(hass) == []


async def test_a_blink_device_does_not_bring_back_an_ignored_offer(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    account = str(blink_sim.world.accounts[0].account_id)
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_IGNORE},
        data={"unique_id": account, "title": core_blink.title},
    )
    await hass.async_block_till_done()
    result = await _sight_device(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")
    assert _offers(hass) == []


async def test_a_loaded_blink_account_is_offered_once_and_links(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    await _load_ours(hass)
    offers = _offers(hass)
    assert len(offers) == 1
    assert offers[0]["step_id"] == "discovery_confirm"
    assert offers[0]["context"]["unique_id"] == str(blink_sim.world.accounts[0].account_id)
    assert offers[0]["context"]["title_placeholders"] == {"title": core_blink.title}

    result = await hass.config_entries.flow.async_configure(offers[0]["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_MODE] == MODE_LINKED
    assert result["data"][CONF_BLINK_ENTRY_ID] == core_blink.entry_id
    await hass.async_block_till_done()

    # The Blink entry loading again (a restart of it) offers nothing for a linked account.
    assert await hass.config_entries.async_reload(core_blink.entry_id)
    await hass.async_block_till_done()
    assert _offers(hass) == []


async def test_an_ignored_offer_is_not_made_again(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    await _load_ours(hass)
    (offer,) = _offers(hass)
    # The user chooses "Ignore": HA ends the offer and keeps an ignored entry with its id.
    await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_IGNORE},
        data={"unique_id": offer["context"]["unique_id"], "title": core_blink.title},
    )
    await hass.async_block_till_done()
    assert _offers(hass) == []

    assert await hass.config_entries.async_reload(core_blink.entry_id)
    await hass.async_block_till_done()
    assert _offers(hass) == []
    assert [e.source for e in hass.config_entries.async_entries(DOMAIN)] == [SOURCE_IGNORE]


async def test_an_account_signed_in_on_our_own_is_not_offered(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    await setup_own(hass, blink_sim)
    await hass.async_block_till_done()
    assert _offers(hass) == []
    assert await hass.config_entries.async_reload(core_blink.entry_id)
    await hass.async_block_till_done()
    assert _offers(hass) == []


async def test_a_blink_account_added_later_is_offered(
    hass: HomeAssistant, blink_sim: SimServer
) -> None:
    await _load_ours(hass)
    assert _offers(hass) == []
    core_blink = await setup_core_blink(hass, blink_sim)
    await hass.async_block_till_done()
    (offer,) = _offers(hass)
    assert offer["context"]["title_placeholders"] == {"title": core_blink.title}


async def _discover(hass: HomeAssistant, blink_entry_id: str) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={CONF_BLINK_ENTRY_ID: blink_entry_id},
    )


async def test_an_offer_for_a_blink_account_that_cannot_be_read_ends_at_once(
    hass: HomeAssistant, blink_sim: SimServer, core_blink: ConfigEntry
) -> None:
    # The Blink entry went away before the offer was looked at.
    result = await _discover(hass, "gone")
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")

    # A loaded Blink entry whose data is not the shape we read.
    odd = MockConfigEntry(domain="blink", state=ConfigEntryState.LOADED)
    odd.add_to_hass(hass)
    result = await _discover(hass, odd.entry_id)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")

    # A Blink session that does not know its account (yet): nothing to key the offer on.
    core_blink.runtime_data.api.auth.account_id = None
    result = await _discover(hass, core_blink.entry_id)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_blink_entry")
    assert _offers(hass) == []
