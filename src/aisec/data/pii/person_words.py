"""Words that introduce a person's name in EN, DE, FR, ES, IT and NL, grouped by how much
they say: a title or a "Name:" label is stronger evidence than a greeting."""

from __future__ import annotations

from aisec.data.pii.address_words import words

TITLES = [
"Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Herr", "Frau", "Monsieur",
"Madame", "Mademoiselle", "Mme", "Mlle", "M.", "Señor", "Señora", "Señorita", "Sr",
"Sra", "Srta", "Don", "Doña", "Signor", "Signora", "Signorina", "Sig", "Sig.ra", "Dott",
"Dott.ssa", "Avv", "Ing", "Dhr", "Mevr", "Mevrouw", "Meneer", "Mw",
]  # fmt: skip

ABBREVIATED_TITLES = [
"Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "M", "Mme", "Mlle", "Sr", "Sra", "Srta", "Sig",
"Sig.ra", "Dott", "Dott.ssa", "Avv", "Ing", "Dhr", "Mevr", "Mw",
]  # fmt: skip

LABELS = [
"name", "full name", "first name", "last name", "surname", "given name", "family name",
"patient", "customer", "client", "employee", "applicant", "contact", "contact person",
"author", "signed", "signed by", "signature", "attn", "from", "to", "cc", "recipient",
"sender", "vorname", "nachname", "kunde", "patientin", "ansprechpartner", "kontakt",
"unterschrift", "nom", "prénom", "prenom", "nom complet", "signé", "destinataire",
"nombre", "apellido", "apellidos", "nombre completo", "firmado", "nome", "cognome",
"nome completo", "firmato", "naam", "voornaam", "achternaam", "getekend", "contactpersoon",
"persona de contacto", "interlocuteur", "interlocutrice", "referente", "ansprechperson",
"responsable", "titular", "intestatario", "titulaire", "inhaber", "kontaktperson",
]  # fmt: skip

INTRODUCTIONS = [
"my name is", "my name's", "i am called", "call me", "signed by", "written by",
"on behalf of", "please contact", "contact", "ich heiße", "ich heisse", "mein name ist",
"je m'appelle", "je m’appelle", "mon nom est", "me llamo", "mi nombre es", "mi chiamo",
"il mio nome è", "mijn naam is", "ik heet", "ask for", "speak to", "talk to",
"spoke with", "spoke to", "talked to", "talked with", "met with", "ich habe mit",
"sprach mit", "j'ai parlé avec", "j’ai parlé avec", "hablé con", "ho parlato con",
"ik heb", "ik sprak met", "ik sprak",
]  # fmt: skip

GREETINGS = [
"dear", "hello", "hi", "hey", "good morning", "good afternoon", "liebe", "lieber",
"hallo", "sehr geehrte", "sehr geehrter", "guten tag", "bonjour", "cher", "chère",
"hola", "estimado", "estimada", "querido", "querida", "buenos días", "ciao", "caro",
"cara", "gentile", "gentilissimo", "buongiorno", "beste", "geachte", "hoi", "salut",
]  # fmt: skip

SIGN_OFFS = [
"regards", "best regards", "kind regards", "warm regards", "sincerely",
"yours sincerely", "yours faithfully", "best", "best wishes", "cheers", "thanks",
"thank you", "many thanks", "mit freundlichen grüßen", "mit freundlichen grüssen",
"viele grüße", "beste grüße", "liebe grüße", "freundliche grüße", "gruß", "cordialement",
"bien à vous", "amicalement", "bien cordialement", "atentamente", "saludos",
"un saludo", "un abrazo", "cordiali saluti", "distinti saluti", "saluti", "un saluto",
"met vriendelijke groet", "met vriendelijke groeten", "groeten", "hartelijke groet",
"saludos cordiales", "un cordial saludo", "cordiales saludos", "bien cordialement",
"sincères salutations", "distinte salutazioni", "herzliche grüße", "vriendelijke groet",
]  # fmt: skip

# Capitalised words that follow these triggers but are not names.
NOT_NAMES = frozenset(
    words("""
The This That These Those We You They It Our Your My All Everyone Team Sir Madam Madame
Customer Customers Support Service Thanks Thank Hello Hi Dear Regards Please Yes No Ok Okay
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Tomorrow Mr Mrs Ms Dr
Sehr Damen Herren Kunde Kunden Madame Monsieur Mesdames Messieurs Señor Señores Todos
Tutti Signori Heer Heren Dames Allemaal Allen Leute Team Admin Administrator Manager
Company Inc Ltd GmbH Department Office Sales Info Hallo Bonjour Hola Ciao Beste Geachte
World Everybody Folks There Again Friends Guys Colleagues Welt Monde Mundo Mondo Wereld
""")
)

# German capitalises every noun, so "Frau Umwelt" or "Herr Kind" is a title before an
# ordinary word, not a name. Everyday nouns that are also frequent surnames (Koch, Bauer,
# Fischer, Wolf, Sommer, Mann, Baum, Kopf, ...) are left out on purpose: after a title
# they are more likely a name.
GERMAN_NOUNS = frozenset(
    words("""
Abend Alter Angst Antwort Apfel Arbeit Arm Arzt Auge Augen Auto Bad Bahn Bein Beispiel
Berufe Beruf Bett Bild Bitte Blatt Blick Boden Boot Brief Brille Brot Buch Bus Butter
Dach Dank Decke Ding Dinge Dorf Durst Ecke Ehe Ei Eltern Ende Erde Essen Fahrrad Fall Familie
Farbe Fehler Feier Fenster Ferien Fest Feuer Fieber Film Finger Flasche Fleisch Flugzeug Fluss
Frage Freund Freundin Freude Frieden Frucht Frühling Frühstück Garten Gast Gebäude Geburtstag
Gefühl Geld Gemüse Gesicht Gespräch Glas Gott Grund Gruppe Haar Hals Hand Hände
Haus Haut Heft Heimat Hemd Himmel Hitze Hose Hotel Hund Hunger Idee Insel Jahr Jahre Junge
Kaffee Kälte Karte Katze Kind Kinder Kino Kirche Kleid Körper Krieg Küche Kuchen
Kuh Land Leben Lehrer Lehrerin Leute Licht Liebe Lied Löffel Luft Lust Mädchen Mal Mantel
Meer Mensch Menschen Messer Milch Minute Minuten Mittag Monat Monate Mond Morgen Mund Musik
Mutter Nachbar Nacht Name Nase Natur Nebel Onkel Ort Papier Pferd Platz Preis Rad Raum Recht
Regen Reise Rücken Ruhe Sache Satz Schiff Schnee Schrank Schuhe Schule Schwester
Seite Sonne Spiel Sprache Stadt Stelle Stimme Straße Strom Stück Stuhl Stunde Tag Tage
Tante Tasche Tasse Teller Tier Tisch Tochter Tod Tür Uhr Umwelt Vater Wagen Wand Wasser Weg
Welt Wetter Wiese Woche Wohnung Wort Wunsch Zahl Zeit Zeitung Zug Meinung Ordnung Übung
Achtung Richtung Zukunft Zucker Sohn Opa Oma Papa Mama Enkel Baby Geschenk Wald Loch Schluss
Fußball Spaß Sport Ohr Ohren Herz Bauch Fuß Knie Bein Schulter Kuss Tür Tor Brücke
Flughafen Bahnhof Markt Laden Geschäft Firma Büro Chef Kollege Kunde Polizei Krankenhaus Ärztin
Fernseher Telefon Computer Handy Kamera Bank Kasse Rechnung Rezept Suppe Salat Käse Wurst Bier
Wein Saft Tee Obst Kartoffel Reis Nudeln Teil Anfang Mitte Wochenende Urlaub Besuch Party Lied
Nummer Schlüssel Kiste Paket Zettel Stift Tafel Klasse Prüfung Aufgabe Hausaufgabe Unterricht
Problem Ziel Weise Art Form Liste Sonntag Montag Herbstferien Geschichte Gedicht Märchen
""")
)
# Endings only nouns have; "-ung" only on longer words ("Jung", "Hartung" are surnames).
GERMAN_NOUN_ENDINGS = ("heit", "keit", "schaft", "tät", "ismus")
GERMAN_TITLES = frozenset({"Herr", "Frau"})
