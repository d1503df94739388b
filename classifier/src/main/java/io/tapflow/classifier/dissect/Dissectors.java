package io.tapflow.classifier.dissect;

import java.util.List;

/** The bundled dissectors in the order they are asked: specific signatures first, loose statistical ones last. */
public final class Dissectors {
    private Dissectors() {
    }

    public static List<Dissector> all() {
        return List.of(
                new TlsDissector(),
                new HttpDissector(),
                new QuicDissector(),
                new SshDissector(),
                new BitTorrentDissector(),
                new SmallTcpDissectors.GnutellaTcp(),
                new GnutellaUdpDissector(),
                new NetBiosDissector(),
                new DhcpDissector(),
                new SsdpDissector(),
                new RtspDissector(),
                new SipDissector(),
                new StunDissector(),
                new TelegramCallDissector(),
                new DnsDissector(),
                new MailFtpDissector(),
                new SmallTcpDissectors.Mqtt(),
                new SmallTcpDissectors.Rdp(),
                new SmallTcpDissectors.EDonkey(),
                new SmallTcpDissectors.WhatsApp(),
                new SmallUdpDissectors.Ntp(),
                new SmallUdpDissectors.NetFlow(),
                new SmallUdpDissectors.SFlow(),
                new SmallUdpDissectors.WireGuard(),
                new SmallUdpDissectors.DropboxLanSync(),
                new SmallUdpDissectors.SpotifyDiscovery(),
                new SmallUdpDissectors.NatPmp(),
                new SmallUdpDissectors.Wsd(),
                new SnmpDissector(),
                new SyslogDissector(),
                new RtpDissector());
    }
}
