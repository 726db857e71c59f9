// Minimal typing of the parts of seek-bzip 2.x that packages/core/src/formats/bzip2.ts drives (block-by-block decoding).
declare module "seek-bzip" {
  interface InputStream {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    eof(): boolean;
  }
  interface OutputStream {
    writeByte(byte: number): void;
  }
  interface BitReader {
    read(bits: number): number;
  }
  class Bunzip {
    constructor(input: InputStream, output: OutputStream);
    streamCRC: number;
    reader: BitReader;
    _init_block(): boolean;
    _read_bunzip(): number;
    _start_bunzip(input: InputStream, output: OutputStream): void;
    static Stream: new () => InputStream & OutputStream;
  }
  export default Bunzip;
}
