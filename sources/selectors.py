"""Reads from sources."""

from sources.domains import candidate_domains
from sources.models import Source, SourceDomain


def source_find_by_url(url_or_host: str) -> Source | None:
    """The outlet a URL or host belongs to, by its domain or an alias (most specific wins)."""
    candidates = candidate_domains(url_or_host)
    if not candidates:
        return None
    by_domain = {s.domain: s for s in Source.objects.filter(domain__in=candidates)}
    by_alias = {
        a.domain: a.source
        for a in SourceDomain.objects.filter(domain__in=candidates).select_related("source")
    }
    for domain in candidates:
        source = by_domain.get(domain) or by_alias.get(domain)
        if source is not None:
            return source
    return None
