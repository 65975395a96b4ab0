// The generated copies of shared/ have the types of shared/ itself.
declare module '*/lwc/npsCore/npsCore.js' {
  export * from '@boucle/shared';
}
declare module '*/cards/boucle-core.js' {
  export * from '@boucle/shared';
}
