"""Translations of the letters' default wording (the profiles' statutory passages are in
statute_i18n).

``DEFAULT_BODIES[lang][kind]`` mirrors ``app.compliance.letter_bodies.DEFAULT_BODIES[kind]``.
Languages: es, it, da, ru.

Each body keeps exactly the English placeholders ({{ owner_names }} …), Jinja tags and HTML
tags. Statute citations (Civil Code § 5855(c), Property Code § 209.006, Florida Statutes
§ 720.305(2)), amounts ($100, $1,000) and numbers of days are kept as written. Dates come
in through placeholders already formatted for the language (formatting.long_date uses Babel's
"long" format), so the surrounding words are chosen to read with "4 de marzo de 2027",
"4 marzo 2027", "4. marts 2027" and "4 марта 2027 г.".

Register: es usted; it Lei (courtesy capital: La, Le, Sua); da du (as Danish authorities
write); ru Вы, Вас, Вам, Ваш capitalised.
"""

DEFAULT_BODIES = {
    # --- Spanish -----------------------------------------------------------------------------
    "es": {
        "courtesy": (
            "<p>Estimado(a) {{ owner_names }}:</p>\n"
            "<p>Durante una inspección reciente de la propiedad ubicada en {{ unit_address }} "
            "observamos algo que no cumple con las normas de la asociación. Este es un "
            "recordatorio amistoso, no una multa.</p>\n"
            "<p>Le rogamos que lo corrija a más tardar el <strong>{{ cure_by }}</strong>. Si ya "
            "lo ha hecho, le damos las gracias y le pedimos que no tenga en cuenta esta "
            "carta.</p>"
        ),
        "violation": (
            "<p>Estimado(a) {{ owner_names }}:</p>\n"
            "<p>Por medio de la presente se le notifica formalmente que la propiedad ubicada en "
            "{{ unit_address }} infringe la norma que se indica a continuación.</p>\n"
            "<p>Le rogamos que corrija la infracción a más tardar el "
            "<strong>{{ cure_by }}</strong>. Si no se corrige, la junta directiva podrá celebrar "
            "una audiencia e imponer una multa de hasta {{ fine_amount }}.</p>\n"
            "<p>Usted tiene derecho a ser escuchado: puede solicitar una audiencia ante la junta "
            "directiva y presentar su versión de los hechos, en persona o por escrito. Responda a "
            "través del portal de propietarios o por escrito a la dirección indicada "
            "arriba.</p>"
        ),
        "hearing": (
            "<p>Estimado(a) {{ owner_names }}:</p>\n"
            "<p>La junta directiva celebrará una audiencia sobre la infracción que se indica a "
            "continuación el <strong>{{ hearing_at }}</strong> en "
            "<strong>{{ hearing_location }}</strong>.</p>\n"
            "<p>Usted puede asistir, tomar la palabra, aportar información y hacerse "
            "representar. También puede responder por escrito antes de la audiencia a través del "
            "portal de propietarios. Después de la audiencia, la junta directiva podrá decidir "
            "imponer una multa.</p>"
        ),
        "fine": (
            "<p>Estimado(a) {{ owner_names }}:</p>\n"
            "<p>Tras la audiencia del {{ hearing_at }}, la junta directiva decidió el "
            "{{ decided_on }} imponer una multa de <strong>{{ fine }}</strong> por la infracción "
            "que se indica a continuación.</p>\n"
            "<p>Motivo: {{ fine_reason }}</p>\n"
            "<p>La multa debe pagarse a más tardar el <strong>{{ fine_due_on }}</strong>. A "
            "continuación se explica cómo pagarla y cómo impugnarla si considera que es "
            "improcedente.</p>"
        ),
        "closure": (
            "<p>Estimado(a) {{ owner_names }}:</p>\n"
            "<p>Muchas gracias. La infracción que se indica a continuación, relativa a la "
            "propiedad ubicada en {{ unit_address }}, ha quedado cerrada y no se requiere "
            "ninguna otra acción.</p>"
        ),
    },
    # --- Italian -----------------------------------------------------------------------------
    "it": {
        "courtesy": (
            "<p>Gentile {{ owner_names }},</p>\n"
            "<p>durante un recente sopralluogo presso l'immobile sito in {{ unit_address }} "
            "abbiamo riscontrato una situazione non conforme alle norme dell'associazione. La "
            "presente è un cortese promemoria, non una sanzione.</p>\n"
            "<p>La preghiamo di regolarizzare la situazione entro il "
            "<strong>{{ cure_by }}</strong>. Se ha già provveduto, La ringraziamo e La preghiamo "
            "di non tenere conto della presente.</p>"
        ),
        "violation": (
            "<p>Gentile {{ owner_names }},</p>\n"
            "<p>con la presente La informiamo formalmente che l'immobile sito in "
            "{{ unit_address }} viola la norma indicata di seguito.</p>\n"
            "<p>La preghiamo di porre rimedio alla violazione entro il "
            "<strong>{{ cure_by }}</strong>. In mancanza di regolarizzazione, il consiglio di "
            "amministrazione potrà tenere un'udienza e applicare una sanzione fino a "
            "{{ fine_amount }}.</p>\n"
            "<p>Lei ha il diritto di far valere le Sue ragioni: può chiedere un'udienza dinanzi "
            "al consiglio di amministrazione ed esporre la Sua posizione, di persona o per "
            "iscritto. Può rispondere tramite il portale dei proprietari o per iscritto "
            "all'indirizzo sopra indicato.</p>"
        ),
        "hearing": (
            "<p>Gentile {{ owner_names }},</p>\n"
            "<p>il consiglio di amministrazione terrà un'udienza in merito alla violazione "
            "indicata di seguito il <strong>{{ hearing_at }}</strong> presso "
            "<strong>{{ hearing_location }}</strong>.</p>\n"
            "<p>Lei potrà partecipare, prendere la parola, presentare informazioni e farsi "
            "rappresentare. Potrà inoltre rispondere per iscritto prima dell'udienza tramite il "
            "portale dei proprietari. Dopo l'udienza il consiglio di amministrazione potrà "
            "decidere di applicare una sanzione.</p>"
        ),
        "fine": (
            "<p>Gentile {{ owner_names }},</p>\n"
            "<p>a seguito dell'udienza del {{ hearing_at }}, in data {{ decided_on }} il "
            "consiglio di amministrazione ha deciso di applicare una sanzione di "
            "<strong>{{ fine }}</strong> per la violazione indicata di seguito.</p>\n"
            "<p>Motivazione: {{ fine_reason }}</p>\n"
            "<p>La sanzione deve essere pagata entro il <strong>{{ fine_due_on }}</strong>. Di "
            "seguito sono indicate le modalità di pagamento e le modalità per contestare la "
            "sanzione qualora la ritenga errata.</p>"
        ),
        "closure": (
            "<p>Gentile {{ owner_names }},</p>\n"
            "<p>desideriamo ringraziarLa. La violazione indicata di seguito, relativa "
            "all'immobile sito in {{ unit_address }}, è ora chiusa e non è necessario alcun "
            "ulteriore intervento.</p>"
        ),
    },
    # --- Danish ------------------------------------------------------------------------------
    "da": {
        "courtesy": (
            "<p>Kære {{ owner_names }}</p>\n"
            "<p>Ved en nylig inspektion af {{ unit_address }} bemærkede vi et forhold, der ikke "
            "er i overensstemmelse med grundejerforeningens regler. Dette er en venlig "
            "påmindelse og ikke en bøde.</p>\n"
            "<p>Vi beder dig bringe forholdet i orden senest den <strong>{{ cure_by }}</strong>. "
            "Hvis du allerede har gjort det, takker vi dig og beder dig se bort fra dette "
            "brev.</p>"
        ),
        "violation": (
            "<p>Kære {{ owner_names }}</p>\n"
            "<p>Dette er en formel meddelelse om, at {{ unit_address }} er i strid med "
            "nedenstående regel.</p>\n"
            "<p>Vi beder dig afhjælpe overtrædelsen senest den <strong>{{ cure_by }}</strong>. "
            "Hvis overtrædelsen ikke er afhjulpet, kan bestyrelsen afholde en høring og pålægge "
            "en bøde på op til {{ fine_amount }}.</p>\n"
            "<p>Du har ret til at blive hørt (partshøring): Du kan anmode om en høring for "
            "bestyrelsen og fremlægge din side af sagen, personligt eller skriftligt. Svar via "
            "ejerportalen eller skriftligt til adressen ovenfor.</p>"
        ),
        "hearing": (
            "<p>Kære {{ owner_names }}</p>\n"
            "<p>Bestyrelsen afholder en høring om nedenstående overtrædelse den "
            "<strong>{{ hearing_at }}</strong>. Sted: <strong>{{ hearing_location }}</strong>."
            "</p>\n"
            "<p>Du kan deltage, udtale dig, fremlægge oplysninger og lade dig repræsentere. Du "
            "kan også svare skriftligt via ejerportalen inden høringen. Efter høringen kan "
            "bestyrelsen beslutte at pålægge en bøde.</p>"
        ),
        "fine": (
            "<p>Kære {{ owner_names }}</p>\n"
            "<p>Efter høringen den {{ hearing_at }} besluttede bestyrelsen den {{ decided_on }} "
            "at pålægge en bøde på <strong>{{ fine }}</strong> for nedenstående "
            "overtrædelse.</p>\n"
            "<p>Begrundelse: {{ fine_reason }}</p>\n"
            "<p>Bøden skal være betalt senest den <strong>{{ fine_due_on }}</strong>. Nedenfor "
            "kan du læse, hvordan du betaler, og hvordan du kan gøre indsigelse mod bøden, hvis "
            "du mener, at den er forkert.</p>"
        ),
        "closure": (
            "<p>Kære {{ owner_names }}</p>\n"
            "<p>Tak. Sagen om nedenstående overtrædelse vedrørende {{ unit_address }} er nu "
            "afsluttet, og der kræves ikke yderligere fra din side.</p>"
        ),
    },
    # --- Russian -----------------------------------------------------------------------------
    "ru": {
        "courtesy": (
            "<p>Уважаемый(-ая) {{ owner_names }}!</p>\n"
            "<p>В ходе недавнего осмотра объекта по адресу {{ unit_address }} мы обнаружили "
            "несоответствие правилам ассоциации. Это дружеское напоминание, а не штраф.</p>\n"
            "<p>Просим Вас устранить его до <strong>{{ cure_by }}</strong>. Если Вы уже это "
            "сделали, благодарим Вас и просим не принимать это письмо во внимание.</p>"
        ),
        "violation": (
            "<p>Уважаемый(-ая) {{ owner_names }}!</p>\n"
            "<p>Настоящим официально уведомляем Вас о том, что на объекте по адресу "
            "{{ unit_address }} допущено нарушение указанного ниже правила.</p>\n"
            "<p>Просим Вас устранить нарушение до <strong>{{ cure_by }}</strong>. Если нарушение "
            "не будет устранено, правление может провести слушание и наложить штраф в размере "
            "до {{ fine_amount }}.</p>\n"
            "<p>Вы имеете право на то, чтобы Вас выслушали: Вы можете запросить проведение "
            "слушания в правлении и изложить свою позицию лично или в письменной форме. "
            "Ответить можно через портал для собственников или письменно по указанному выше "
            "адресу.</p>"
        ),
        "hearing": (
            "<p>Уважаемый(-ая) {{ owner_names }}!</p>\n"
            "<p>Правление проведёт слушание по указанному ниже нарушению. Дата и время: "
            "<strong>{{ hearing_at }}</strong>. Место: <strong>{{ hearing_location }}</strong>."
            "</p>\n"
            "<p>Вы можете присутствовать, выступить, представить сведения и воспользоваться "
            "услугами представителя. Вы также можете до начала слушания ответить в письменной "
            "форме через портал для собственников. По итогам слушания правление может принять "
            "решение о наложении штрафа.</p>"
        ),
        "fine": (
            "<p>Уважаемый(-ая) {{ owner_names }}!</p>\n"
            "<p>По итогам слушания, состоявшегося {{ hearing_at }}, правление {{ decided_on }} "
            "приняло решение наложить штраф в размере <strong>{{ fine }}</strong> за указанное "
            "ниже нарушение.</p>\n"
            "<p>Основание: {{ fine_reason }}</p>\n"
            "<p>Штраф подлежит уплате до <strong>{{ fine_due_on }}</strong>. Порядок оплаты, а "
            "также порядок обжалования штрафа, если Вы считаете его необоснованным, изложены "
            "ниже.</p>"
        ),
        "closure": (
            "<p>Уважаемый(-ая) {{ owner_names }}!</p>\n"
            "<p>Благодарим Вас. Дело об указанном ниже нарушении на объекте по адресу "
            "{{ unit_address }} закрыто, никаких дальнейших действий от Вас не требуется.</p>"
        ),
    },
}
