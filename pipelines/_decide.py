"""Deciding which raw hits of one post are mentions: exclusions, namesakes placed elsewhere,
overlaps, ambiguity, corroboration of weak aliases, and the school tie every staff hit needs.

Every rejected hit keeps the reason it was turned down (for `schoolwatch explain` and the
classify `reasons`); every kept one has its reason extended with what made it stand.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipelines._scan import SURNAME_ALONE, Hit, PostScan, drop_overlaps, merge_same_evidence

if TYPE_CHECKING:
    from pipelines.match import Watchlist


def settle(wl: Watchlist, scan: PostScan) -> None:
    _vetoes(wl, scan)
    merge_same_evidence(scan)
    drop_overlaps(scan)
    _weak_schools(wl, scan)
    schools_found = {h.school for h in scan.live() if h.kind == "school"}
    _staff(wl, scan, schools_found)
    if schools_found:
        taken = list(scan.hits)
        for h in wl.first_name_hits(scan, schools_found):
            if not any(t.overlaps(h) for t in taken):
                h.reason += "; school named in post"
                scan.hits.append(h)


def _vetoes(wl: Watchlist, scan: PostScan) -> None:
    """Exclusion phrases, and written-out names the post places somewhere else."""
    for h in scan.live():
        if h.kind != "school":
            continue
        veto = next(
            (lab for f, s, e, _, lab in scan.excluded
             if f == h.field and s < h.end and h.start < e),
            None,
        )  # fmt: skip
        if veto is not None:
            scan.reject(h, f"not {h.name}: inside excluded {veto!r}")
        elif (
            h.placed is not None
            and wl.location_needed[h.school]
            and not wl.location_of(h.school, h.placed)
        ):
            scan.reject(
                h, f"placed in {h.placed!r}, not one of the school's location terms: a namesake"
            )
        elif h.namesake is not None and wl.location_needed[h.school]:
            scan.reject(h, f"followed by {h.namesake!r}, which the school's names never say: "
                        "a namesake")  # fmt: skip
    # What is inside a namesake is the namesake too: "St Mary's CE" in "St Mary's CE Primary
    # School in Yate".
    vetoed = [h for h in scan.hits if h.kind == "school" and h.rejected]
    for h in scan.live():
        outer = next((v for v in vetoed if v.school == h.school and v.overlaps(h)), None)
        if h.kind == "school" and outer is not None:
            scan.reject(h, f"part of {scan.fields[outer.field][outer.start : outer.end]!r}: "
                        f"{outer.rejected}")  # fmt: skip


def _location_outside(scan: PostScan, h: Hit) -> str | None:
    """A location term of h's school somewhere in the post but not inside h itself."""
    for f, s, e, label in scan.locations.get(h.school, ()):
        if not (f == h.field and s < h.end and h.start < e):
            return label
    return None


def _weak_schools(wl: Watchlist, scan: PostScan) -> None:
    """A weak alias stands with corroboration and no exclusion phrase in the post."""
    live = scan.live()
    excluded_schools = {owner for _, _, _, owner, _ in scan.excluded}
    school_strong = {h.school for h in live if h.kind == "school" and h.strong}
    # Staff evidence that points at one school: one candidate, written out exactly ("Mr Price",
    # "Helen Okafor"). A common surname is weak alone, but a Mr Price beside a Millbrook is the
    # Millbrook staff's Mr Price far more often than two namesakes met by chance; the two
    # corroborate each other (the staff hit then stands as "school named in post").
    staff_corroborates = {
        h.school
        for h in live
        if h.kind == "staff"
        and len(h.candidates) <= 1
        and h.staff is not None
        and (not wl.staff_member(h.staff).common or h.score == 100)
    }
    for h in live:
        if h.kind != "school" or h.strong:
            continue
        location = _location_outside(scan, h)
        place_like = _place_like(scan.fields[h.field][h.start : h.end])
        if h.school in excluded_schools and (beside := _life_beside(scan, h)) is not None:
            # "kids in Millbrook Primary jumpers down at Millbrook Lake": the excluded place is
            # named, but so is the school, by what its pupils wear.
            h.reason += f" + school context {beside!r}, beside an excluded phrase"
        elif h.school in excluded_schools:
            scan.reject(h, "weak alias ignored: the post has an excluded phrase")
        elif not wl.location_needed[h.school]:
            continue
        elif location is not None and not place_like:
            h.reason += f" + location {location!r}"
        elif h.school in school_strong:
            h.reason += " + corroborated by another mention"
        elif h.school in staff_corroborates:
            h.reason += " + corroborated by a staff mention"
        elif scan.local and not place_like:
            h.reason += " + local source"
        elif (life := _school_life(scan)) is not None:
            # "St Aidans year 9", "Millbrook pick-up": how local parents name the school. A
            # namesake school placed elsewhere ("St Aidan's in Leeds") was vetoed above.
            h.reason += f" + school context {life!r}"
        elif not place_like and (child := _about_a_child(scan, h)) is not None:
            h.reason += f" + about a child {child!r}"
        else:
            scan.reject(h, f"{h.reason} needs location or school context; none found", held=True)


def _staff(wl: Watchlist, scan: PostScan, schools_found: set[int]) -> None:
    """Ambiguity, then the tie to school that every staff hit needs."""
    live = [h for h in scan.live() if h.kind == "staff"]
    tied = {h.school for h in live if h.tied or h.field == "author"}
    # Two different colleagues of one school in one post tie it to that school.
    colleagues: dict[int, set[int]] = {}
    for h in live:
        if len(h.candidates) <= 1 and h.staff is not None:
            colleagues.setdefault(h.school, set()).add(h.staff)
    context: str | None | bool = False  # looked up once, only if needed
    for h in live:
        if len(h.candidates) > 1:
            settled = [c for c in h.candidates if wl.staff_member(c).school in schools_found]
            if len(settled) != 1:
                names = ", ".join(
                    f"{wl.staff_member(c).name} ({wl.schools[wl.staff_member(c).school]})"
                    for c in h.candidates
                )
                scan.reject(h, f"ambiguous between {names}")
                continue
            person = wl.staff_member(settled[0])
            h.name, h.school, h.staff = person.name, person.school, person.index
            h.reason += "; school named in post settles which"
        if h.tied:
            continue
        if h.field == "author":
            h.reason += "; in the author field"
        elif h.school in schools_found:
            h.reason += "; school named in post"
        elif h.context:
            h.reason += "; written with a job title"
        else:
            if context is False:
                context = wl.context_in(scan)
            if context:
                h.reason += f"; school context {context!r}"
            elif h.school in tied:
                h.reason += "; post by or to the staff member's own account"
            elif len(colleagues.get(h.school, ())) > 1:
                h.reason += "; a colleague is named too"
            elif (scan.local and h.staff is not None and not wl.staff_member(h.staff).common
                  and not h.reason.startswith(SURNAME_ALONE)):  # fmt: skip
                h.reason += "; local source"
            elif (h.reason.startswith("title + surname") and h.staff is not None
                  and not wl.staff_member(h.staff).common
                  and (child := _child_word(scan)) is not None):  # fmt: skip
                # "Ms Fitzgerald-Hughes knows my son is being bullied": a rare surname with a
                # title, beside a child, is the child's teacher (a common one, Mr Price, is not).
                h.reason += f"; a child beside a title and a rare surname {child!r}"
            else:
                scan.reject(h, f"{h.reason} but nothing ties the post to school", held=True)


# Words round a weak alias that make it the family's school: "my son at St Aidans", "miss at
# st aidans", "Mr Brennan from St Aidan's", "St Aidans mums", "St Aidans year 7"; and a threat
# against a place of the school's name, which is never dropped for want of context.
_CHILD_AT = re.compile(
    r"(?:(?:sons?|daughters?|kids?|child(?:ren)?|lads?|boys?|girls?|grand(?:son|daughter)s?|"
    r"grandchild(?:ren)?|nephews?|nieces?|tutors?|teachers?|staff|miss|sir|mums?|dads?|"
    r"tas?|teaching\s+assistants?|dinner\s+lad(?:y|ies)|caretaker|senco|deputy\s+head|"
    r"head\s?teacher|nurture\s+group|"
    r"parents?|friends?|mates?|besties?|bff|brothers?|sisters?|cousins?|siblings?|classmates?|"
    r"everyone|every1|people|ppl|some(?:one|body)|any(?:one|body)|no(?:one|body)|"
    r"y(?:ea)?r\s?\d{1,2}s?|\d{1,2}[a-z])'?s?\s+"
    r"(?:\w+\s+)?(?:in\s+(?:our|my|his|her|their|the)\s+(?:year|class|form)\s+)?|"
    r"(?:mr|mrs|ms|miss|dr)\.?\s+\w+\s+)"
    r"(?:at|to|from|in|started|joined|leaves|left|excluded from|expelled from)\s+(?:the\s+)?$|"
    # A child's comings and goings: "first day at", "sent home from", "came out of".
    r"(?:(?:first|last|another)\s+(?:day|week|term|year)\s+at|sent\s+home\s+(?:\w+\s+)?from|"
    r"(?:picked|pick|picking|collected|collect|collecting)\s+(?:(?:him|her|them|the\s+kids|"
    r"(?:my|our|his|her)\s+\w+)\s+)?up\s+from|"
    r"(?:lessons?|mocks?|exams?|detentions?|assembly|break|lunch|pe)\s+at|"
    r"(?:bus|walk|way)\s+home\s+from|all\s+day\s+at|"
    r"(?:came|come|comes|coming|got|gets)\s+(?:home\s+from|out\s+of)|"
    r"(?:going|go|goes|went)\s+back\s+to|(?:get|got|getting)\s+(?:in|into)|"
    r"(?:a\s+)?places?\s+(?:at|for)|(?:applied|apply|applying)\s+(?:to|for)|"
    # Getting in or not, and a family taking it up with the school.
    r"(?:didn'?t|did\s+not|never)\s+get(?:\s+in(?:to)?)?|appeals?\s+(?:for|to|against)|"
    r"(?:told|e-?mailed|rang|phoned|contacted|complained\s+to|wrote\s+to|"
    r"reported\s+(?:it|this|him|her|them)\s+to))\s+(?:the\s+)?$|"
    r"(?:shoot|blow|burn|bomb|torch|attack)(?:ing)?\s+(?:up\s+|down\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
_OF_SCHOOL = re.compile(
    r"(?:'s?)?\s+(?:mums?|dads?|parents?|kids|pupils|staff|teachers?|tutors?|form|year|yr|y\d|"
    r"reception|nursery|office|canteen|dinners?|uniform|pick[\s-]?up|drop[\s-]?off|gates?|"
    r"prom|u1\ds?|under[\s-]?1\ds?|reports?|leadership|head|slt|governors|newsletter|logo|"
    r"crest|pe|sports\s+day|staff\s?room|admissions?|catchment|open\s+(?:day|evening)|"
    r"nativity|harvest\s+festival|book\s+week|reading\s+scheme|eco\s+club|children|"
    r"students|memes?|(?:christmas|summer|spring|winter|easter)\s+(?:fair|fayre|fete|fête)|"
    r"drama|choir|orchestra|(?:\w+\s+)?team|squad|keeper|(?:\w+\s+)?department|"
    r"sixth\s+form(?:ers?)?|ptf?a|trips?|(?:holiday|breakfast|after[\s-]school)\s+club|"
    # What pupils wear and where they go ("St Aidans jumper", "the st aidans toilets"), and
    # years that are a pupil's time there ("St Aidans 2008-2013").
    r"jumpers?|hoodies?|blazers?|ties?|toilets?|loos|library|sports\s+hall|"
    r"(?:science|maths|english|art|music|drama|dt|pe)\s+block|receptionist|"
    r"leavers'?|finish(?:es)?|(?:(?:from|in|class\s+of)\s+)?(?:19|20)\d\d\s*[-–]\s*(?:19|20)?\d\d|"
    # The school acting on a child: "St Aidan's sent him home", "Millbrook excluded her".
    r"(?:sent|sends|sending)\s+(?:him|her|them|my\s+\w+)\s+home|"
    r"(?:excluded|excludes|suspended|isolated)\s+(?:him|her|them|my\s+\w+)|"
    r"cardigans?|counsellors?|tas?|teaching\s+assistants?|(?:\w+\s+)?dept)\b",
    re.IGNORECASE,
)


# A child in the post, or one who goes to the place: with a name that is a school's and not
# a place's ("St Aidans", "Millbrook Primary"; not "Millbrook": the caller checks
# `_place_like`), the school the child goes to.
_CHILD_WORD = re.compile(
    r"\b(?:sons?|daughters?|kids?|child(?:ren)?|grand(?:son|daughter|kid|child)s?|toddlers?|"
    r"little\s+(?:ones?|boys?|girls?)|\d{1,2}\s?(?:yo|y/o|year[\s-]olds?))\b",
    re.IGNORECASE,
)
# ... or one going there: "goes to", "back to St Aidans", "bringing it into St Aidans"; and a
# pupil's "St Aidans tomorrow" (a church of the name is "at St Aidan's tomorrow", and a place
# is excluded by the caller).
_GOES_TO = re.compile(
    r"\b(?:(?:go|goes|went|going|gone|been|back)\s+to|into)\s+(?:the\s+)?$", re.IGNORECASE
)
_TOMORROW = re.compile(r"'?s?\s+(?:tomorrow|tmrw|tmr|tmoz|tomoz|2moro|2morrow)\b", re.IGNORECASE)


def _child_word(scan: PostScan) -> str | None:
    for fld, s in scan.fields.items():
        if fld != "author" and (m := _CHILD_WORD.search(s)) is not None:
            return m.group()
    return None


def _about_a_child(scan: PostScan, h: Hit) -> str | None:
    text = scan.fields[h.field]
    goes = _GOES_TO.search(text, max(0, h.start - 20), h.start) or _TOMORROW.match(text, h.end)
    if goes is not None:
        return goes.group().strip()
    return _child_word(scan)


def _place_like(said: str) -> bool:
    """One word, not an acronym ("Millbrook", not "MCEPS"): as likely the village as its
    school, so a place named beside it tells them apart no better than nothing; school life
    does."""
    words = said.split()
    return len(words) == 1 and not said.isupper() and not said.startswith(("#", "@"))


def _school_life(scan: PostScan) -> str | None:
    """School-life words in the post ("year 9", "pick-up", "detention"), outside a school name:
    the "primary" of "Millbrook Primary" says nothing more than the alias itself."""
    names = [h for h in scan.hits if h.kind == "school"]
    for h in names:
        if not h.rejected and (beside := _life_beside(scan, h)) is not None:
            return beside
    return scan.school_life(
        lambda fld, a, _: any(h.field == fld and h.start <= a < h.end for h in names)
    )


def _life_beside(scan: PostScan, h: Hit) -> str | None:
    """School life right beside the name: "my son at St Aidans", "St Aidans mums" (a family's
    school); "St Aidans School", "Millbrook Primary School" (not "Millbrook School": as likely
    any school in a place of that name)."""
    text = scan.fields[h.field]
    before = _CHILD_AT.search(text, max(0, h.start - 40), h.start)
    after = _OF_SCHOOL.match(text, h.end)
    if before or after:
        return (before or after).group().strip()  # type: ignore[union-attr]
    said = text[h.start : h.end].split()
    if said[-1].lower() in ("school", "academy") and not _place_like(" ".join(said[:-1])):
        return said[-1]
    return None
