package bundle

import "hash/crc32"

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// maskDelta is LevelDB's constant for masked CRCs: a CRC stored next to the
// data it covers is masked so that CRCs of CRCs do not degenerate.
const maskDelta = 0xa282ead8

func maskCRC(c uint32) uint32 { return ((c >> 15) | (c << 17)) + maskDelta }

func unmaskCRC(m uint32) uint32 {
	r := m - maskDelta
	return (r >> 17) | (r << 15)
}

func crcExtend(c uint32, b []byte) uint32 { return crc32.Update(c, castagnoli, b) }
