// swagger-ui-dist ships no types; only what reference.ts uses: the folder its files are in.
declare module "swagger-ui-dist/absolute-path.js" {
  const absolutePath: () => string;
  export default absolutePath;
}
