"""Top-level domains known offline: every country code plus the generic domains in common
use. An address under another TLD is still reported, with a score below the default
threshold unless the context says it is an e-mail address."""

from __future__ import annotations

_COUNTRY = """
ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br
bs bt bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec
ee eg er es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk
hm hn hr ht hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la
lb lc li lk lr ls lt lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my
mz na nc ne nf ng ni nl no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro
rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk
tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
"""

_GENERIC = """
com org net edu gov mil int info biz name pro aero asia cat coop jobs mobi museum post tel
travel xxx app dev page blog cloud online site tech store shop xyz top club email digital live
news life world today space website agency company solutions services network systems group
global media studio design art photo photography academy education school university college
institute science health care clinic hospital dental doctor law legal lawyer bank finance
financial money capital fund insurance investments credit loans tax accountant consulting
management marketing business work works careers social community family church love dating
wedding games game fun play video movie music radio tv film events center city town land
estate house homes properties realty rent apartments build builders construction engineering
software computer technology host hosting domains web link click download zone one plus team
expert guru ninja rocks cool best vip win bet casino poker lol ltd llc inc gmbh srl sarl berlin
hamburg bayern koeln wien nrw paris london nyc tokyo amsterdam barcelona madrid swiss quebec
eus gal bzh scot wales cymru africa lat moe mail local internal lan home corp partners
foundation charity ngo ong org.uk ventures holdings industries international directory
support help chat fans gallery ink institute red blue green pink black gold fit golf bike
auto car cars taxi tours vacations holiday flights hotel restaurant cafe bar pub wine beer
pizza kitchen farm garden energy solar immo immobilien versicherung gratis jetzt
""".replace("org.uk", "")

KNOWN_TLDS: frozenset[str] = frozenset((_COUNTRY + _GENERIC).split())
