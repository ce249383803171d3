"""Schemathesis hooks for the ModelCat fuzz run (loaded through SCHEMATHESIS_HOOKS by ApiFuzzSystemTest).

Model uploads take archives (application/zip, application/gzip) whose schema is `format: binary`: they are sent as
the bytes schemathesis generates, as its own application/octet-stream serializer sends them, so that the archive
reader is fuzzed too.
"""
import schemathesis

for media_type in ("application/zip", "application/gzip", "application/x-gzip", "application/x-tar"):
    schemathesis.serializer.alias(media_type, "application/octet-stream")
