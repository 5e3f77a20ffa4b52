using System.Buffers.Binary;
using System.Text;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// A compound file (Microsoft's CFB, version 3: 512-byte sectors) holding named streams: the container Office uses for an
/// encrypted .xlsx (streams EncryptionInfo and EncryptedPackage) and for an Excel 97–2003 workbook (stream Workbook).
/// Each stream is padded to 4,096 bytes so that it lives in ordinary sectors, not the mini stream; the directory is one
/// sector, so at most three streams. The tests check what they make with olefile, a reader of its own.
/// </summary>
public static class CompoundFile
{
    private const int Sector = 512, StreamBytes = 4096;
    private const uint Free = 0xFFFFFFFF, EndOfChain = 0xFFFFFFFE, FatSector = 0xFFFFFFFD, NoStream = 0xFFFFFFFF;

    public static byte[] Of(params (string Name, byte[] Content)[] streams)
    {
        if (streams.Length is 0 or > 3) throw new ArgumentException("One to three streams.", nameof(streams));
        var sectorsPerStream = StreamBytes / Sector;
        var file = new byte[Sector * (1 + 2 + streams.Length * sectorsPerStream)];
        var header = file.AsSpan(0, Sector);
        ((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[24..], 0x003E); // minor version
        BinaryPrimitives.WriteUInt16LittleEndian(header[26..], 0x0003); // major version 3
        BinaryPrimitives.WriteUInt16LittleEndian(header[28..], 0xFFFE); // little-endian
        BinaryPrimitives.WriteUInt16LittleEndian(header[30..], 9); // 512-byte sectors
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], 6); // 64-byte mini sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[44..], 1); // FAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[48..], 1); // first directory sector
        BinaryPrimitives.WriteUInt32LittleEndian(header[56..], StreamBytes); // mini stream cutoff
        BinaryPrimitives.WriteUInt32LittleEndian(header[60..], EndOfChain); // no mini FAT
        BinaryPrimitives.WriteUInt32LittleEndian(header[68..], EndOfChain); // no DIFAT sectors
        BinaryPrimitives.WriteUInt32LittleEndian(header[76..], 0); // the FAT is sector 0
        for (var i = 1; i < 109; i++) BinaryPrimitives.WriteUInt32LittleEndian(header[(76 + 4 * i)..], Free);

        // Sectors: 0 the FAT, 1 the directory, then each stream's eight sectors in a chain.
        var fat = file.AsSpan(Sector, Sector);
        for (var i = 0; i < Sector / 4; i++) BinaryPrimitives.WriteUInt32LittleEndian(fat[(4 * i)..], Free);
        BinaryPrimitives.WriteUInt32LittleEndian(fat, FatSector);
        BinaryPrimitives.WriteUInt32LittleEndian(fat[4..], EndOfChain);
        for (var s = 0; s < streams.Length; s++)
        {
            var first = 2 + s * sectorsPerStream;
            for (var k = 0; k < sectorsPerStream; k++)
                BinaryPrimitives.WriteUInt32LittleEndian(fat[(4 * (first + k))..], k == sectorsPerStream - 1 ? EndOfChain : (uint)(first + k + 1));
            var content = streams[s].Content.AsSpan(0, Math.Min(streams[s].Content.Length, StreamBytes));
            content.CopyTo(file.AsSpan(Sector * (1 + first)));
        }

        // The directory: the root, whose child is the first stream; each stream's right sibling is the next (names sorted
        // as the format compares them, by length first).
        var ordered = streams.Select((s, i) => (s.Name, Index: i)).OrderBy(s => s.Name.Length).ThenBy(s => s.Name.ToUpperInvariant(), StringComparer.Ordinal).ToList();
        var directory = file.AsSpan(Sector * 2, Sector);
        Entry(directory, "Root Entry", type: 5, child: 1, right: NoStream, start: EndOfChain, size: 0);
        for (var n = 0; n < ordered.Count; n++)
            Entry(directory[(128 * (n + 1))..], ordered[n].Name, type: 2, child: NoStream, right: n + 1 < ordered.Count ? (uint)(n + 2) : NoStream,
                start: (uint)(2 + ordered[n].Index * sectorsPerStream), size: StreamBytes);
        for (var n = ordered.Count + 1; n < 4; n++) Entry(directory[(128 * n)..], "", type: 0, child: NoStream, right: NoStream, start: 0, size: 0);
        return file;
    }

    private static void Entry(Span<byte> entry, string name, byte type, uint child, uint right, uint start, uint size)
    {
        var utf16 = Encoding.Unicode.GetBytes(name);
        utf16.CopyTo(entry);
        BinaryPrimitives.WriteUInt16LittleEndian(entry[64..], (ushort)(name.Length == 0 ? 0 : utf16.Length + 2));
        entry[66] = type;
        entry[67] = 1; // black
        BinaryPrimitives.WriteUInt32LittleEndian(entry[68..], NoStream); // left sibling
        BinaryPrimitives.WriteUInt32LittleEndian(entry[72..], right);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[76..], child);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[116..], start);
        BinaryPrimitives.WriteUInt32LittleEndian(entry[120..], size);
    }
}
