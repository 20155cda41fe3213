"""Reads from sources."""

from collections.abc import Iterable

from sources.domains import candidate_domains
from sources.models import Source, SourceChange, SourceDomain


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


def source_map_by_hosts(hosts: Iterable[str]) -> dict[str, Source]:
    """``source_find_by_url`` for many hosts at once, in two queries: {host: outlet}.

    Hosts that match nothing are left out. Loads every domain and alias, which suits an import
    of a rater's whole file (thousands of hosts against a catalogue of hundreds of outlets).
    """
    by_id = {s.pk: s for s in Source.objects.all()}
    by_domain = {s.domain: s for s in by_id.values()}
    by_alias = {a.domain: by_id[a.source_id] for a in SourceDomain.objects.all()}
    found: dict[str, Source] = {}
    for host in hosts:
        for domain in candidate_domains(host):
            source = by_domain.get(domain) or by_alias.get(domain)
            if source is not None:
                found[host] = source
                break
    return found


def source_name_entries() -> list[tuple[int, str, list[str]]]:
    """(id, name, [domain, aliases …]) of every outlet: the input of importers.build_name_index."""
    sources = Source.objects.prefetch_related("aliases").order_by("pk")
    return [(s.pk, s.name, [s.domain, *(a.domain for a in s.aliases.all())]) for s in sources]


def source_history(*, source: Source, limit: int = 50) -> list[SourceChange]:
    """The latest changes to ``source``'s ratings, combined rating and ownership, newest first."""
    return list(source.changes.select_related("changed_by").order_by("-changed_at", "-id")[:limit])
