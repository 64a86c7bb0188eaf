"""A bulk append's event ids are version-4 UUIDs as `uuid4` makes them (drawn in one read)."""

from uuid import UUID

from eventkit.store import _event_ids


def test_bulk_event_ids_are_distinct_version_4_uuids() -> None:
    ids = list(_event_ids(2000))
    assert len(set(ids)) == 2000
    for u in ids:
        assert isinstance(u, UUID)
        assert (u.version, u.variant) == (4, "specified in RFC 4122")
        assert UUID(str(u)) == u and hash(UUID(str(u))) == hash(u)
        assert UUID(bytes=u.bytes, version=4) == u  # the bits uuid4 would set are set
