"""Vocabulary of postal addresses in EN, DE, FR, ES, IT and NL, as regex fragments."""

from __future__ import annotations


def words(text: str) -> list[str]:
    """A word list written as running text, one or more words per line."""
    return text.split()


# A capitalised word of a place or person name (accents, hyphens, apostrophes inside).
WORD = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*"
# Short words that join the parts of a street or town name.
CONNECTOR = (
    r"(?:de\s+la|de\s+los|de\s+las|de|del|di|da|della|delle|dei|degli|dello|du|des|la|le|"
    r"les|van|von|der|den|het|y|e|sur|sous|en|am|an|im|auf|vorm|vor|bei|ob|in|bij|aan|op|onder)"
)

EN_STREET_TYPES = words("""
Alley Annex Arcade Avenue Ave Bayou Beach Bend Bluff Bluffs Bottom Boulevard Blvd Branch
Bridge Brook Brooks Burg Burgs Bypass Camp Canyon Cape Causeway Center Centers Circle Circles
Cir Cliff Cliffs Club Common Commons Corner Corners Course Court Courts Ct Cove Coves Creek
Crescent Crest Crossing Crossroad Curve Dale Dam Divide Drive Drives Dr Estate Estates
Expressway Extension Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords Forest
Forge Forges Fork Forks Fort Freeway Garden Gardens Gateway Glen Glens Green Greens Grove
Groves Harbor Harbors Haven Heights Highway Hwy Hill Hills Hollow Inlet Island Islands Isle
Junction Junctions Key Keys Knoll Knolls Lake Lakes Land Landing Lane Ln Light Lights Loaf
Lock Locks Lodge Loop Mall Manor Manors Meadow Meadows Mews Mill Mills Mission Motorway Mount
Mountain Mountains Neck Orchard Oval Overpass Park Parks Parkway Parkways Pass Passage Path
Pike Pine Pines Place Pl Plain Plains Plaza Point Points Port Ports Prairie Radial Ramp Ranch
Rapid Rapids Rest Ridge Ridges River Road Roads Rd Route Row Run Shoal Shoals Shore Shores
Skyway Spring Springs Spur Spurs Square Squares Station Stravenue Stream Street Streets St
Summit Terrace Ter Throughway Trace Track Trafficway Trail Trailer Tunnel Turnpike Underpass
Union Unions Valley Valleys Viaduct View Views Village Villages Ville Vista Walk Walks Wall
Way Ways Well Wells Rue Close Rise Parade Circus Embankment Approach End Gate Wharf Yard Hollow
""")

FR_STREET_TYPES = words("""
rue avenue av. boulevard bd place chemin allée allee impasse quai route cours square passage
faubourg voie sentier résidence residence promenade rond-point esplanade parvis
""")

ES_IT_STREET_TYPES = words("""
Calle C/ C. Avenida Avda. Av. Paseo Plaza Camino Carrera Carretera Ronda Rambla Travesía
Travesia Glorieta Pasaje Urbanización Urbanizacion Callejón Callejon Cañada Alameda Pasadizo
Vía Via Viale Piazza Piazzale Corso Largo Vicolo Strada Contrada Borgo Rotonda Canale Stretto
Incrocio Lungomare Circonvallazione Salita Traversa Vial Acceso Sector Partida Polígono
Cuesta Bajada Subida Senda Plazuela Rampa Piazzetta Lungotevere Vicoletto
""")

# Suffixes of compound street names ("Hauptstraße", "Kerkstraat") and their separate forms.
DE_NL_STREET_SUFFIXES = words("""
straße strasse str. weg gasse platz allee ring damm ufer chaussee steig pfad markt berg
graben hof garten park wall straat laan plein gracht kade singel dijk pad steeg dreef
plantsoen wal baan boulevard
""")

SECONDARY_UNIT = (
    r"(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Piso|Puerta|Piano|Appartamento|Interno|Int\.|Scala|"
    r"Etage|Stock|bus|Bus|#)"
)

US_STATES = words("""
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM
NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC AS GU MP PR VI AA AE AP FM MH PW
""")

UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}"

ADDRESS_CONTEXT_WORDS = [
    *words("""
address addr. lives live living located ship shipping deliver delivery mailing residence
resident home street adresse anschrift wohnhaft wohnt wohnort domicile domicilié demeurant
habite dirección direccion domicilio reside vive indirizzo residente abita adres woont
woonadres postcode zip plz postleitzahl cap cp
"""),
    "zip code", "postal code", "post code", "code postal", "código postal", "codice postale",
]  # fmt: skip
