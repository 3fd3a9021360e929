"""Translations of the profiles' statutory passages: ``STATUTE_WORDING[(profile, kind)][lang]``
mirrors ``PROFILES[profile].wording[kind]`` in ``app.compliance.profiles``.

Citations, amounts and numbers of days are kept as written; the register and the date forms
are those of wording_i18n (see its docstring). Languages: es, it, da, ru.
"""

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
            "siguientes a la resolución de la junta directiva (Civil Code § 5855(f)). Si no "
            "está de acuerdo con ella, puede solicitar a la asociación un procedimiento interno "
            "de resolución de controversias (Civil Code §§ 5855(d), 5910)."
        ),
        "it": (
            "La presente comunicazione scritta della decisione viene inviata entro 15 giorni "
            "dalla delibera del consiglio di amministrazione (Civil Code § 5855(f)). Se non è "
            "d'accordo, può chiedere all'associazione una procedura interna di risoluzione "
            "delle controversie (Civil Code §§ 5855(d), 5910)."
        ),
        "da": (
            "Denne skriftlige afgørelse gives inden for 15 dage efter bestyrelsens beslutning "
            "(Civil Code § 5855(f)). Er du uenig i den, kan du anmode foreningen om intern "
            "tvistløsning (Civil Code §§ 5855(d), 5910)."
        ),
        "ru": (
            "Настоящее письменное уведомление о решении направляется в течение 15 дней после "
            "принятия решения правлением (Civil Code § 5855(f)). Если Вы не согласны с ним, Вы "
            "можете обратиться в ассоциацию с просьбой о внутреннем урегулировании спора "
            "(Civil Code §§ 5855(d), 5910)."
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
