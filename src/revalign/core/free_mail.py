"""Free-mail and ISP domains: a person's private address, never a company's account."""

FREE_MAIL: frozenset[str] = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.id yahoo.co.uk yahoo.com.sg yahoo.com.au
    ymail.com rocketmail.com hotmail.com hotmail.co.uk hotmail.co.id outlook.com outlook.co.id
    live.com live.co.uk msn.com aol.com icloud.com me.com mac.com proton.me protonmail.com
    pm.me gmx.com gmx.de gmx.net web.de mail.com zoho.com zohomail.com yandex.com yandex.ru
    mail.ru qq.com 163.com 126.com sina.com naver.com daum.net hanmail.net rediffmail.com
    tutanota.com fastmail.com hey.com telkom.net plasa.com indosat.net.id centrin.net.id
    cbn.net.id biznetnetworks.com singnet.com.sg bigpond.com optusnet.com.au comcast.net
    verizon.net att.net sbcglobal.net btinternet.com sky.com virginmedia.com orange.fr free.fr
    laposte.net t-online.de libero.it
    """.split()
)
