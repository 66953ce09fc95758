// The two pure-JS ciphers MS-CHAP needs ship no types; only what mschap.ts uses.
declare module "js-md4" {
  const md4: { arrayBuffer(data: Uint8Array): ArrayBuffer };
  export default md4;
}

declare module "des.js" {
  const des: {
    DES: {
      create(opts: { type: "encrypt"; key: number[]; padding: false }): {
        update(data: number[]): number[];
        final(): number[];
      };
    };
  };
  export default des;
}
