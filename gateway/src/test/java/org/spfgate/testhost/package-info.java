/**
 * What the machine running the tests has to offer them: a free port on loopback
 * ({@link org.spfgate.testhost.FreePort}) and the third-party programs some tests drive
 * ({@link org.spfgate.testhost.ThirdPartyTools}, the one place that decides between skipping a
 * test and failing it when one is missing). Off the message path; used by tests in any package.
 */
package org.spfgate.testhost;
