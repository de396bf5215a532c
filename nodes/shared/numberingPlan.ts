/**
 * A compact numbering plan, as data: which country an E.164 number belongs to, and the calling code of a
 * country (to turn a national number into E.164 the way SMS.CX does). Our own table, checked against the ITU
 * list and libphonenumber's metadata (2026); no runtime dependency.
 *
 * Where several countries share a calling code, the first one listed is the one a number maps to unless a
 * longer prefix below says otherwise. +1 (NANP), +7 and +44 are mapped in full by PREFIXES: a number there is
 * never given another country by a Country ISO hint.
 */

/** calling code:countries, the first being the code's default country */
const CALLING_CODES =
	'1:US,AG,AI,AS,BB,BM,BS,CA,DM,DO,GD,GU,JM,KN,KY,LC,MP,MS,PR,SX,TC,TT,UM,VC,VG,VI 7:RU,KZ 20:EG 27:ZA 30:GR ' +
	'31:NL 32:BE 33:FR 34:ES 36:HU 39:IT,VA 40:RO 41:CH 43:AT 44:GB,GG,IM,JE 45:DK 46:SE 47:NO,BV,SJ 48:PL 49:DE ' +
	'51:PE 52:MX 53:CU 54:AR 55:BR 56:CL 57:CO 58:VE 60:MY 61:AU,CC,CX 62:ID 63:PH 64:NZ,PN 65:SG 66:TH 81:JP ' +
	'82:KR 84:VN 86:CN 90:TR 91:IN 92:PK 93:AF 94:LK 95:MM 98:IR 211:SS 212:MA,EH 213:DZ 216:TN 218:LY 220:GM ' +
	'221:SN 222:MR 223:ML 224:GN 225:CI 226:BF 227:NE 228:TG 229:BJ 230:MU 231:LR 232:SL 233:GH 234:NG 235:TD ' +
	'236:CF 237:CM 238:CV 239:ST 240:GQ 241:GA 242:CG 243:CD 244:AO 245:GW 246:IO 248:SC 249:SD 250:RW 251:ET ' +
	'252:SO 253:DJ 254:KE 255:TZ 256:UG 257:BI 258:MZ 260:ZM 261:MG 262:RE,TF,YT 263:ZW 264:NA 265:MW 266:LS ' +
	'267:BW 268:SZ 269:KM 290:SH 291:ER 297:AW 298:FO 299:GL 350:GI 351:PT 352:LU 353:IE 354:IS 355:AL 356:MT ' +
	'357:CY 358:FI,AX 359:BG 370:LT 371:LV 372:EE 373:MD 374:AM 375:BY 376:AD 377:MC 378:SM 380:UA 381:RS ' +
	'382:ME 385:HR 386:SI 387:BA 389:MK 420:CZ 421:SK 423:LI 500:FK,GS 501:BZ 502:GT 503:SV 504:HN 505:NI ' +
	'506:CR 507:PA 508:PM 509:HT 590:GP,BL,MF 591:BO 592:GY 593:EC 594:GF 595:PY 596:MQ 597:SR 598:UY 599:CW,BQ ' +
	'670:TL 672:NF,AQ,HM 673:BN 674:NR 675:PG 676:TO 677:SB 678:VU 679:FJ 680:PW 681:WF 682:CK 683:NU 685:WS ' +
	'686:KI 687:NC 688:TV 689:PF 690:TK 691:FM 692:MH 850:KP 852:HK 853:MO 855:KH 856:LA 880:BD 886:TW 960:MV ' +
	'961:LB 962:JO 963:SY 964:IQ 965:KW 966:SA 967:YE 968:OM 970:PS 971:AE 972:IL 973:BH 974:QA 975:BT 976:MN ' +
	'977:NP 992:TJ 993:TM 994:AZ 995:GE 996:KG 998:UZ';

/**
 * Prefixes (calling code + leading national digits) owned by another country than the code's default.
 * NANP: every area code outside the US (+1 876 Jamaica, +1 204 Canada, ...); the rest of +1 is the US,
 * including toll-free 8xx. +7: 6xx and 7xx are Kazakhstan, the rest Russia. +44: Jersey, Guernsey and the
 * Isle of Man are countries of their own in ISO 3166 (and priced apart): their fixed and mobile ranges.
 */
const PREFIXES: Record<string, string> = {
	CA:
		'1204 1226 1236 1249 1250 1257 1263 1289 1306 1343 1354 1365 1367 1368 1382 1387 1403 1416 1418 1428 1431 ' +
		'1437 1438 1450 1460 1468 1474 1506 1514 1519 1548 1579 1581 1584 1587 1600 1604 1613 1622 1639 1647 1672 ' +
		'1683 1705 1709 1742 1753 1778 1780 1782 1807 1819 1825 1867 1873 1879 1902 1905 1942',
	AG: '1268',
	AI: '1264',
	AS: '1684',
	BB: '1246',
	BM: '1441',
	BS: '1242',
	DM: '1767',
	DO: '1809 1829 1849',
	GD: '1473',
	GU: '1671',
	JM: '1658 1876',
	KN: '1869',
	KY: '1345',
	LC: '1758',
	MP: '1670',
	MS: '1664',
	PR: '1787 1939',
	SX: '1721',
	TC: '1649',
	TT: '1868',
	VC: '1784',
	VG: '1284',
	VI: '1340',
	KZ: '76 77',
	GG: '441481 447781 447839 447911',
	IM: '441624 447524 447624 447924',
	JE: '441534 447509 447700 447797 447829 447937',
	AX: '35818',
	VA: '3906698 379',
	YT: '262269 262639',
	SJ: '4779',
	CC: '6189162',
	CX: '6189164',
};

/** Calling codes whose countries PREFIXES maps in full. */
const FULLY_MAPPED = new Set(['1', '7', '44']);

const countriesByCode = new Map<string, string[]>();
const codeByCountry = new Map<string, string>();
for (const entry of CALLING_CODES.split(' ')) {
	const [code, list] = entry.split(':');
	const countries = list.split(',');
	countriesByCode.set(code, countries);
	for (const country of countries) codeByCountry.set(country, code);
}
const countryByPrefix = new Map<string, string>();
for (const [country, prefixes] of Object.entries(PREFIXES)) {
	for (const prefix of prefixes.split(' ')) countryByPrefix.set(prefix, country);
}
const LONGEST_PREFIX = Math.max(...[...countryByPrefix.keys()].map((prefix) => prefix.length));

/** The calling code of an ISO 3166 alpha-2 country ("JM" → "1"), or undefined. */
export function callingCodeOf(country: string): string | undefined {
	return codeByCountry.get(country);
}

/**
 * The country of an E.164 number's digits (no +), or undefined for a calling code no country holds (+800,
 * +979, ...). `hint`, a Country ISO given with a national number, picks among countries sharing a code that
 * the table does not split (+590: GP, BL, MF).
 */
export function countryOfNumber(digits: string, hint?: string): string | undefined {
	for (let length = Math.min(LONGEST_PREFIX, digits.length); length >= 2; length--) {
		const country = countryByPrefix.get(digits.slice(0, length));
		if (country !== undefined) return country;
	}
	for (let length = 1; length <= 3; length++) {
		const code = digits.slice(0, length);
		const countries = countriesByCode.get(code);
		if (countries === undefined) continue;
		if (hint !== undefined && !FULLY_MAPPED.has(code) && countries.includes(hint)) return hint;
		return countries[0];
	}
	return undefined;
}
