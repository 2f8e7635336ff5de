"""Flows of the emulated service: the API's writes, uploaded images, changes behind the provider's back, counters.

The backend part that owns every rule about a stored flow: create and update
apply the server's cleaning (``cleaning``) plus the rules that need the
database (plan limits, segments of the website, images); the admin surface
reads raw rows, drifts them (``drift``) and deletes them; simulated subscribers
(``subscribers``) add to the counters.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from .cleaning import check_image, check_required, created_flow, php_truthy, storable_id, strict_int, updated_flow
from .drift import drifted_values
from .exceptions import PlanLimitReached
from .records import Flow, ImageUpload, Segment, StoredImage, Website
from .shared import BackendState
from .subscribers import FlowAudience, Simulation, simulate


class FlowRules(BackendState):
    """Every rule about stored flows (a part of ``EmulatorBackend``)."""

    # --- the API's writes ---------------------------------------------------------------------------

    def create_flow(self, *, user_id: int, submitted: Mapping[str, str], image: ImageUpload | None) -> Flow:
        """Create a flow from the submitted form fields, applying every coercion of the real server."""
        check_required(submitted)
        with self._store.writing():
            account = self._account(user_id)
            if account.flows_limit >= 0 and self._store.count(Flow, user_id) >= account.flows_limit:
                raise PlanLimitReached()
            values = created_flow(submitted, self._store.website_ids(user_id))
            values["segment"] = self._valid_segment(values["website_id"], submitted.get("segment")) or "all"
            values["image"] = self._store_image(image) if image is not None else None
            flow_id = self._store.insert(Flow, {"user_id": user_id, **values, "datetime": self._now()})
            return self.one_of(Flow, user_id=user_id, record_id=flow_id)

    def update_flow(
        self, *, user_id: int, flow_id: int, submitted: Mapping[str, str], image: ImageUpload | None
    ) -> Flow:
        """Update a flow: unsent fields keep their value, invalid enums keep the old value."""
        with self._store.writing():
            flow = self.one_of(Flow, user_id=user_id, record_id=flow_id)
            values = updated_flow(flow, submitted, self._store.website_ids(user_id))
            website_id = values["website_id"]
            segment = self._valid_segment(website_id, submitted.get("segment")) if "segment" in submitted else None
            if segment is None:
                # A segment that no longer fits the (possibly new) website falls back to everyone.
                segment = flow.segment if self._valid_segment(website_id, flow.segment) else "all"
            image_name = flow.image
            if image is not None:
                image_name = self._store_image(image)
            elif php_truthy(submitted.get("image_remove", "")):
                image_name = None
            self._store.update(
                Flow, flow_id, {**values, "segment": segment, "image": image_name, "last_datetime": self._now()}
            )
            if flow.image and flow.image != image_name:
                self._store.delete_image(flow.image)
            return self.one_of(Flow, user_id=user_id, record_id=flow_id)

    def delete_flow(self, *, user_id: int | None, flow_id: int) -> None:
        """Delete one of the account's flows (any account's when ``user_id`` is None) and its image."""
        with self._store.writing():
            flow = self.one_of(Flow, user_id=user_id, record_id=flow_id)
            self._store.delete(Flow, flow.id)
            if flow.image:
                self._store.delete_image(flow.image)

    def get_image(self, name: str) -> tuple[str, bytes]:
        """Content type and bytes of an uploaded image."""
        image = self._store.image(name)
        return image.content_type, image.data

    # --- behind the provider's back -----------------------------------------------------------------

    def raw_flows(self, user_id: int) -> list[dict[str, Any]]:
        """Every flow of an account as stored, in id order."""
        with self._lock:
            self._account(user_id)
            return [flow.to_raw() for flow in self._store.all_of(Flow, user_id)]

    def raw_flow(self, flow_id: int) -> dict[str, Any]:
        """One flow as stored, whoever owns it."""
        return self.one_of(Flow, user_id=None, record_id=flow_id).to_raw()

    def drift_flow(self, flow_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Overwrite stored fields as they are given (no cleaning, no clamping), like an edit in the web UI.

        Top-level columns are replaced; ``settings`` is merged key by key (and
        ``settings.utm`` likewise). Only the types are checked (see ``drift``).
        """
        with self._store.writing():
            flow = self.one_of(Flow, user_id=None, record_id=flow_id)
            values = drifted_values(flow, changes)
            if values:
                self._store.update(Flow, flow_id, values)
            return self.raw_flow(flow_id)

    def delete_flow_raw(self, flow_id: int) -> None:
        """Delete a flow whoever owns it."""
        self.delete_flow(user_id=None, flow_id=flow_id)

    def add_subscribers(self, website_id: int, *, count: int, seed: int) -> Simulation:
        """Simulate ``count`` new subscribers of a website (see ``subscribers``) and add what its flows sent."""
        with self._store.writing():
            website = self._store.one(Website, website_id)
            segments = [s for s in self._store.all_of(Segment, website.user_id) if s.website_id == website_id]
            flows = [f for f in self._store.all_of(Flow, website.user_id) if f.website_id == website_id]
            result = simulate(
                website_id=website_id,
                count=count,
                seed=seed,
                segment_ids=[segment.id for segment in segments],
                flows=[
                    FlowAudience(f.id, f.segment, bool(f.is_enabled), f.settings, bool(f.image)) for f in flows
                ],
            )
            for segment in segments:
                joined = result.joined[segment.id]
                self._store.update(Segment, segment.id, {"total_subscribers": segment.total_subscribers + joined})
            now = self._now()
            sent_by = {sends.flow_id: sends for sends in result.sends}
            for flow in flows:
                sends = sent_by[flow.id]
                if sends.sent:
                    self._store.update(Flow, flow.id, {
                        "total_sent_push_notifications": flow.total_sent_push_notifications + sends.sent,
                        "total_displayed_push_notifications": flow.total_displayed_push_notifications + sends.displayed,
                        "total_clicked_push_notifications": flow.total_clicked_push_notifications + sends.clicked,
                        "total_closed_push_notifications": flow.total_closed_push_notifications + sends.closed,
                        "last_sent_datetime": now,
                    })
            return result

    # --- internals ------------------------------------------------------------------------------

    def _valid_segment(self, website_id: int, segment: str | None) -> str | None:
        """``segment`` normalised when it is "all" or a segment id of the website, else None."""
        if segment is None:
            return None
        if segment == "all":
            return "all"
        segment_id = storable_id(strict_int(segment))
        if segment_id is None or not self._store.segment_in_website(segment_id, website_id):
            return None
        return str(segment_id)

    def _store_image(self, image: ImageUpload) -> str:
        """Validate an upload by extension, content and size, store it, and return its random name."""
        extension, content_type = check_image(image)
        name = f"{secrets.token_hex(16)}.{extension}"
        self._store.put_image(StoredImage(name=name, content_type=content_type, data=image.data))
        return name
