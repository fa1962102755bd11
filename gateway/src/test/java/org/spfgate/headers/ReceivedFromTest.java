package org.spfgate.headers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client of a Received field's from clause. The samples are real fields as MTAs wrote them
 * (taken from public mailing-list archives), folded as they arrived, tabs included.
 */
class ReceivedFromTest {

    static Stream<Arguments> realFields() {
        return Stream.of(
                sample("Postfix: from HELO (PTR [IP]), folded with a tab",
                        "from smtp.subspace.kernel.org (wormhole.subspace.kernel.org [52.25.139.140])\r\n"
                                + "\t(using TLSv1.2 with cipher ECDHE-RSA-AES256-GCM-SHA384 (256/256 bits))\r\n"
                                + "\t(No client certificate requested)\r\n"
                                + "\tby mail.lfdr.de (Postfix) with ESMTPS id 88E823398A",
                        "52.25.139.140", "smtp.subspace.kernel.org"),
                sample("Postfix: IPv6 with the IPv6: prefix",
                        "from mail-wr1-x42a.google.com (mail-wr1-x42a.google.com [IPv6:2a00:1450:4864:20::42a])\r\n"
                                + "\tby lindbergh.monkeyblade.net (Postfix) with ESMTPS id 538B487D65\r\n"
                                + "\tfor <devicetree@vger.kernel.org>; Thu,  5 Oct 2023 08:57:52 -0700 (PDT)",
                        "2a00:1450:4864:20::42a", "mail-wr1-x42a.google.com"),
                sample("Postfix-style: (unknown [IP]) when the client has no PTR name",
                        "from lhrpeml500005.china.huawei.com (unknown [172.18.147.226])\r\n"
                                + "        by frasgout.his.huawei.com (SkyGuard) with ESMTP id 4S0NGw0PMnz6K5tf;\r\n"
                                + "        Wed,  4 Oct 2023 00:16:08 +0800 (CST)",
                        "172.18.147.226", "lhrpeml500005.china.huawei.com"),
                sample("Sendmail: from HELO (PTR [IP]) by HOST (8.17.1.5/8.17.1.5)",
                        "from nasanex01a.na.qualcomm.com (nasanex01a.na.qualcomm.com [10.52.223.231])\r\n"
                                + "\tby NASANPPMTA05.qualcomm.com (8.17.1.5/8.17.1.5) with ESMTPS id 43JM65Ro011185\r\n"
                                + "\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NOT);\r\n"
                                + "\tFri, 19 Apr 2024 22:06:05 GMT",
                        "10.52.223.231", "nasanex01a.na.qualcomm.com"),
                sample("Exim: from NAME ([IP] helo=HELO)",
                        "from cpc102320-sgyl38-2-0-cust46.18-2.cable.virginm.net ([82.37.168.47] helo=ypsilon.sirena.org.uk)\r\n"
                                + "        by heliosphere.sirena.org.uk with esmtpsa (TLS1.3:ECDHE_RSA_AES_256_GCM_SHA384:256)\r\n"
                                + "        (Exim 4.92)\r\n"
                                + "        (envelope-from <broonie@sirena.org.uk>)\r\n"
                                + "        id 1htArA-0004kD-Az; Thu, 01 Aug 2019 13:10:56 +0000",
                        "82.37.168.47", "ypsilon.sirena.org.uk"),
                sample("Exim: IPv6 without the prefix, HELO an address literal",
                        "from ptz.office.stw.pengutronix.de ([2a0a:edc0:0:900:1d::77] helo=[127.0.0.1])\r\n"
                                + "\tby metis.whiteo.stw.pengutronix.de with esmtp (Exim 4.92)\r\n"
                                + "\t(envelope-from <a.fatoum@pengutronix.de>)\r\n"
                                + "\tid 1wZ28k-0006Kb-3t; Mon, 15 Jun 2026 09:53:50 +0200",
                        "2a0a:edc0:0:900:1d::77", "[127.0.0.1]"),
                sample("Exim: from [IP] (port=N helo=HELO), folded inside the comment",
                        "from [2a00:1450:4864:20::632] (port=44787\r\n"
                                + " helo=mail-ej1-x632.google.com)\r\n"
                                + " by eggs.gnu.org with esmtps (TLS1.2:ECDHE_RSA_AES_128_GCM_SHA256:128)\r\n"
                                + " (Exim 4.90_1) (envelope-from <shentey@gmail.com>) id 1nMawK-000759-9L\r\n"
                                + " for qemu-devel@nongnu.org; Tue, 22 Feb 2022 14:35:14 -0500",
                        "2a00:1450:4864:20::632", "mail-ej1-x632.google.com"),
                sample("Exim: from [IP] (helo=HELO)",
                        "from [::1] (helo=lists1p.gnu.org)\r\n"
                                + "\tby lists.gnu.org with esmtp (Exim 4.90_1)",
                        "::1", "lists1p.gnu.org"),
                sample("Exim: from NAME ([IP]:port), no helo= when it equals the name",
                        "from eggs.gnu.org ([209.51.188.92]:46922)\r\n"
                                + " by lists.gnu.org with esmtps (TLS1.2:ECDHE_RSA_AES_256_GCM_SHA384:256)\r\n"
                                + " (Exim 4.90_1) (envelope-from <shentey@gmail.com>) id 1nMawM-0003Pu-BU",
                        "209.51.188.92", "eggs.gnu.org"),
                sample("Exchange: from NAME (IP) by NAME (IP) with Microsoft SMTP Server",
                        "from mail.nvidia.com (216.228.118.233) by\r\n"
                                + " SJ5PEPF000001F0.mail.protection.outlook.com (10.167.242.68) with Microsoft\r\n"
                                + " SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id\r\n"
                                + " 15.20.8857.21 via Frontend Transport; Thu, 19 Jun 2025 11:56:03 +0000",
                        "216.228.118.233", "mail.nvidia.com"),
                sample("Exchange: IPv6, the name alone on the first line",
                        "from DB3EUR04FT027.eop-eur04.prod.protection.outlook.com\r\n"
                                + " (2a01:111:e400:7e0c::35) by\r\n"
                                + " DB3EUR04HT134.eop-eur04.prod.protection.outlook.com (2a01:111:e400:7e0c::356)\r\n"
                                + " with Microsoft SMTP Server (version=TLS1_2,\r\n"
                                + " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.2814.13; Fri, 20 Mar\r\n"
                                + " 2020 20:27:45 +0000",
                        "2a01:111:e400:7e0c::35", "DB3EUR04FT027.eop-eur04.prod.protection.outlook.com"),
                sample("Exchange: a HELO address literal, the peer IP in the comment",
                        "from [10.253.76.25] (10.80.80.8) by nasanex01a.na.qualcomm.com\r\n"
                                + " (10.52.223.231) with Microsoft SMTP Server (version=TLS1_2,\r\n"
                                + " cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.2.1544.9; Fri, 19 Apr\r\n"
                                + " 2024 15:06:04 -0700",
                        "10.80.80.8", "[10.253.76.25]"),
                sample("zmailer: \"EHLO name\" in the comment",
                        "from lindbergh.monkeyblade.net ([23.128.96.19]:57962 \"EHLO\r\n"
                                + "        lindbergh.monkeyblade.net\" rhost-flags-OK-OK-OK-OK) by vger.kernel.org\r\n"
                                + "        with ESMTP id S1728473AbgIGKAg",
                        "23.128.96.19", "lindbergh.monkeyblade.net"),
                sample("qmail: from unknown (HELO name) (IP), the HELO word is not the IP",
                        "from unknown (HELO 198.51.100.9) (192.0.2.77)\r\n  by mx.example.net with SMTP; 3 Oct 2023 10:00:00 -0000",
                        "192.0.2.77", "198.51.100.9"));
    }

    private static Arguments sample(String form, String value, String ip, String helo) {
        return Arguments.of(form, value, ip, helo);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("realFields")
    void theClientIpAndHeloOfEachMtaShapeAreRead(String form, String value, String ip, String helo) throws Exception {
        assertEquals(Optional.of(new ReceivedFrom(InetAddress.getByName(ip), helo)), ReceivedFrom.parse(value));
    }

    @ParameterizedTest(name = "no client in: {0}")
    @ValueSource(strings = {
            "by ypsilon.sirena.org.uk (Postfix, from userid 1000) id 1A2B3C; Thu, 01 Aug 2019 14:10:55 +0100",
            "(majordomo@vger.kernel.org) by vger.kernel.org via listexpand id S230222AbjDBCh4",
            "from mail.example.com by mx.example.org with SMTP",
            "from mail.example.com (mail.example.com [999.1.2.3]) by mx.example.org",
            "from mail.example.com (example.com [192.0.2]) by mx.example.org",
            "from mail.example.com (fe80::1%eth0) by mx.example.org",
            "from (((((((((((((((",
            "garbage",
            ""})
    void fieldsWithoutAUsableClientIpGiveNothing(String value) {
        assertEquals(Optional.empty(), ReceivedFrom.parse(value));
    }
}
