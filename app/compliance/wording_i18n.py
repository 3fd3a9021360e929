"""Translations of the letters' default wording and of the profiles' statutory passages.

``DEFAULT_BODIES[lang][kind]`` mirrors ``app.compliance.letters.DEFAULT_BODIES[kind]``;
``STATUTE_WORDING[(profile, kind)][lang]`` mirrors ``PROFILES[profile].wording[kind]`` in
``app.compliance.profiles``. Languages: es, it, da, ru.

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


STATUTE_WORDING = {
    # --- California --------------------------------------------------------------------------
    ("CA", "violation"): {
        "es": (
            "De conformidad con el Civil Code § 5855, usted puede asistir a una audiencia ante "
            "la junta directiva y dirigirse a ella, en persona o por escrito, antes de que se "
            "imponga cualquier multa. Si corrige la infracción antes de la audiencia, no se le "
            "impondrá ninguna multa (Civil Code § 5855(c))."
        ),
        "it": (
            "Ai sensi del Civil Code § 5855, prima che venga applicata qualsiasi sanzione, Lei "
            "può partecipare a un'udienza dinanzi al consiglio di amministrazione e rivolgersi "
            "al consiglio, di persona o per iscritto. Se pone rimedio alla violazione prima "
            "dell'udienza, non verrà applicata alcuna sanzione (Civil Code § 5855(c))."
        ),
        "da": (
            "I henhold til Civil Code § 5855 kan du, inden der pålægges en bøde, deltage i en "
            "høring for bestyrelsen og udtale dig over for bestyrelsen, personligt eller "
            "skriftligt. Hvis du afhjælper overtrædelsen inden høringen, pålægges der ingen bøde "
            "(Civil Code § 5855(c))."
        ),
        "ru": (
            "В соответствии с Civil Code § 5855 до наложения какого-либо штрафа Вы можете "
            "присутствовать на слушании в правлении и выступить перед правлением лично или в "
            "письменной форме. Если Вы устраните нарушение до слушания, штраф наложен не будет "
            "(Civil Code § 5855(c))."
        ),
    },
    ("CA", "hearing"): {
        "es": (
            "Este aviso se entrega con al menos 10 días de anticipación a la audiencia, según lo "
            "exige el Civil Code § 5855(a). Usted tiene derecho a asistir y a dirigirse a la "
            "junta directiva, y puede solicitar que la audiencia se celebre en sesión ejecutiva, "
            "es decir, a puerta cerrada (Civil Code § 5855(b)). Si corrige la infracción antes "
            "de la audiencia, no se le impondrá ninguna multa (§ 5855(c)). La junta directiva le "
            "notificará su decisión por escrito dentro de un plazo de 15 días."
        ),
        "it": (
            "Il presente avviso viene inviato almeno 10 giorni prima dell'udienza, come "
            "richiesto dal Civil Code § 5855(a). Lei ha il diritto di partecipare e di "
            "rivolgersi al consiglio di amministrazione e può chiedere che l'udienza si svolga in "
            "seduta riservata, a porte chiuse (Civil Code § 5855(b)). Se pone rimedio alla "
            "violazione prima dell'udienza, non verrà applicata alcuna sanzione (§ 5855(c)). Il "
            "consiglio di amministrazione Le comunicherà per iscritto la propria decisione entro "
            "15 giorni."
        ),
        "da": (
            "Denne meddelelse gives mindst 10 dage før høringen, som Civil Code § 5855(a) "
            "kræver. Du har ret til at deltage og til at udtale dig over for bestyrelsen, og du "
            "kan anmode om, at høringen holdes for lukkede døre (Civil Code § 5855(b)). Hvis du "
            "afhjælper overtrædelsen inden høringen, pålægges der ingen bøde (§ 5855(c)). "
            "Bestyrelsen giver dig skriftligt besked om sin afgørelse inden for 15 dage."
        ),
        "ru": (
            "Настоящее уведомление направляется не менее чем за 10 дней до слушания, как того "
            "требует Civil Code § 5855(a). Вы имеете право присутствовать и выступить перед "
            "правлением, а также можете попросить провести слушание на закрытом заседании "
            "(Civil Code § 5855(b)). Если Вы устраните нарушение до слушания, штраф наложен не "
            "будет (§ 5855(c)). Правление уведомит Вас о своём решении в письменной форме в "
            "течение 15 дней."
        ),
    },
    ("CA", "fine"): {
        "es": (
            "La presente notificación escrita de la decisión se entrega dentro de los 15 días "
            "siguientes a la resolución de la junta directiva (Civil Code § 5855)."
        ),
        "it": (
            "La presente comunicazione scritta della decisione viene inviata entro 15 giorni "
            "dalla delibera del consiglio di amministrazione (Civil Code § 5855)."
        ),
        "da": (
            "Denne skriftlige afgørelse gives inden for 15 dage efter bestyrelsens beslutning "
            "(Civil Code § 5855)."
        ),
        "ru": (
            "Настоящее письменное уведомление о решении направляется в течение 15 дней после "
            "принятия решения правлением (Civil Code § 5855)."
        ),
    },
    # --- Texas -------------------------------------------------------------------------------
    ("TX", "violation"): {
        "es": (
            "Este aviso se envía por correo certificado, según lo exige el Property Code "
            "§ 209.006. Usted dispone de un plazo razonable, indicado arriba, para corregir la "
            "infracción y evitar una multa. Puede solicitar una audiencia ante la junta "
            "directiva conforme al § 209.007 a más tardar el día 30 posterior a la fecha de este "
            "aviso. Si usted se encuentra en servicio militar activo, es posible que tenga "
            "derechos especiales conforme a la ley federal."
        ),
        "it": (
            "Il presente avviso viene inviato tramite raccomandata, come richiesto dal Property "
            "Code § 209.006. Lei dispone di un termine ragionevole, indicato sopra, per porre "
            "rimedio alla violazione ed evitare una sanzione. Può chiedere un'udienza dinanzi al "
            "consiglio di amministrazione ai sensi del § 209.007 entro il 30° giorno successivo "
            "alla data del presente avviso. Se presta servizio militare attivo, potrebbe godere "
            "di diritti speciali ai sensi della legge federale."
        ),
        "da": (
            "Denne meddelelse sendes som anbefalet brev, som Property Code § 209.006 kræver. Du "
            "har en rimelig frist, som er angivet ovenfor, til at afhjælpe overtrædelsen og undgå "
            "en bøde. Du kan anmode om en høring for bestyrelsen efter § 209.007 senest 30 dage "
            "efter datoen for denne meddelelse. Hvis du er i aktiv militærtjeneste, kan du have "
            "særlige rettigheder efter føderal lovgivning."
        ),
        "ru": (
            "Настоящее уведомление направляется заказным письмом, как того требует Property "
            "Code § 209.006. Для устранения нарушения и во избежание штрафа Вам предоставляется "
            "разумный срок, указанный выше. Вы можете запросить проведение слушания в правлении "
            "в соответствии с § 209.007 не позднее 30-го дня после даты настоящего уведомления. "
            "Если Вы проходите действительную военную службу, Вы можете обладать особыми правами "
            "согласно федеральному законодательству."
        ),
    },
    ("TX", "hearing"): {
        "es": (
            "La audiencia se celebra dentro de los 30 días siguientes a su solicitud (Property "
            "Code § 209.007). La asociación le entregará sus pruebas al menos 10 días antes de "
            "la audiencia."
        ),
        "it": (
            "L'udienza si tiene entro 30 giorni dalla Sua richiesta (Property Code § 209.007). "
            "L'associazione Le fornirà le proprie prove almeno 10 giorni prima dell'udienza."
        ),
        "da": (
            "Høringen afholdes inden for 30 dage efter din anmodning (Property Code § 209.007). "
            "Grundejerforeningen udleverer sit bevismateriale til dig mindst 10 dage før "
            "høringen."
        ),
        "ru": (
            "Слушание проводится в течение 30 дней с даты Вашего запроса (Property Code "
            "§ 209.007). Ассоциация предоставит Вам свои доказательства не менее чем за 10 дней "
            "до слушания."
        ),
    },
    # --- Florida -----------------------------------------------------------------------------
    ("FL", "violation"): {
        "es": (
            "Antes de que se imponga una multa, usted tiene derecho a recibir un aviso con al "
            "menos 14 días de anticipación y a la oportunidad de una audiencia ante un comité de "
            "al menos tres miembros que no formen parte de la junta directiva (Florida Statutes "
            "§ 720.305(2))."
        ),
        "it": (
            "Prima che venga applicata una sanzione, Lei ha diritto a un preavviso di almeno 14 "
            "giorni e alla possibilità di un'udienza dinanzi a un comitato di almeno tre membri "
            "che non fanno parte del consiglio di amministrazione (Florida Statutes "
            "§ 720.305(2))."
        ),
        "da": (
            "Inden der pålægges en bøde, har du ret til mindst 14 dages varsel og mulighed for en "
            "høring for et udvalg på mindst tre medlemmer, som ikke er medlemmer af bestyrelsen "
            "(Florida Statutes § 720.305(2))."
        ),
        "ru": (
            "До наложения штрафа Вы имеете право на уведомление не менее чем за 14 дней и на "
            "возможность слушания перед комитетом, состоящим не менее чем из трёх членов, не "
            "входящих в правление (Florida Statutes § 720.305(2))."
        ),
    },
    ("FL", "hearing"): {
        "es": (
            "Este aviso se entrega con al menos 14 días de anticipación a la audiencia "
            "(§ 720.305(2)(b)). Si la infracción se corrige antes de la audiencia, no podrá "
            "imponerse ninguna multa."
        ),
        "it": (
            "Il presente avviso viene inviato almeno 14 giorni prima dell'udienza "
            "(§ 720.305(2)(b)). Se la violazione viene sanata prima dell'udienza, non può essere "
            "applicata alcuna sanzione."
        ),
        "da": (
            "Denne meddelelse gives mindst 14 dage før høringen (§ 720.305(2)(b)). Hvis "
            "overtrædelsen afhjælpes inden høringen, kan der ikke pålægges en bøde."
        ),
        "ru": (
            "Настоящее уведомление направляется не менее чем за 14 дней до слушания "
            "(§ 720.305(2)(b)). Если нарушение будет устранено до слушания, штраф не может быть "
            "наложен."
        ),
    },
    ("FL", "fine"): {
        "es": (
            "Las multas no pueden exceder de $100 por infracción ni de $1,000 en total, salvo "
            "que los documentos rectores de la asociación dispongan otra cosa (§ 720.305(2))."
        ),
        "it": (
            "Le sanzioni non possono superare $100 per violazione né $1,000 in totale, salvo "
            "che i documenti costitutivi dell'associazione dispongano diversamente "
            "(§ 720.305(2))."
        ),
        "da": (
            "Bøder må ikke overstige $100 pr. overtrædelse eller $1,000 i alt, medmindre "
            "foreningens vedtægter m.v. bestemmer andet (§ 720.305(2))."
        ),
        "ru": (
            "Штрафы не могут превышать $100 за одно нарушение или $1,000 в совокупности, если "
            "уставные документы ассоциации не предусматривают иное (§ 720.305(2))."
        ),
    },
}
