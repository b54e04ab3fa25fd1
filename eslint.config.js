import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules/**', 'data/**', 'clients/python/**'] }),
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      camelcase: 'off'
    }
  }
]
