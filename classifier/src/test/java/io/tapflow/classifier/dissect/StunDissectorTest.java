package io.tapflow.classifier.dissect;

import static org.assertj.core.api.Assertions.assertThat;

import io.tapflow.classifier.Classifier;
import io.tapflow.classifier.ClassifierEngine;
import io.tapflow.classifier.Hex;
import io.tapflow.classifier.verdict.Verdict;
import org.junit.jupiter.api.Test;

class StunDissectorTest {
    /** A WhatsApp Allocate request: its vendor attribute 0x4000 is left unpadded at the end. */
    private static final byte[] WHATSAPP_ALLOCATE = Hex.bytes("""
            0003 006a 2112 a442 0000 7510 f843 431f d05e 2379 4000 0066 0100 a9f6 0dfa aa48 953a d2d0
            af75 625f a16c 6c36 178c 427d 4060 22be d8db a2b1 882d b68b 1547 2daa d2b0 8f2b
            a1f2 1403 a5f6 b2e8 7a50 530b 4af6 e00c 7d10 3144 92a8 791e 2442 2a32 0e70 1b44
            8031 b840 7241 da42 cd9a 7927 3350 47b9 3473 e832 e712 387d dd53""");

    @Test
    void whatsAppAttributeNamesTheCall() {
        assertThat(StunDissector.stun(WHATSAPP_ALLOCATE, 0, WHATSAPP_ALLOCATE.length)).isEqualTo("WhatsAppCall");
        Classifier c = ClassifierEngine.defaults().newClassifier().start(17, 51518, 3478);
        c.feed(Packet.TO_SERVER, WHATSAPP_ALLOCATE, 0, WHATSAPP_ALLOCATE.length);
        Verdict v = c.verdict();
        assertThat(v.label()).isEqualTo("STUN.WhatsAppCall");
    }
}
