// natural's index pulls in mongoose, pg and redis and runs dotenv on load, so Vigie imports only the submodules it
// needs. They are CommonJS without their own typings at these paths.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_fr.js' {
  const PorterStemmerFr: { stem(token: string): string };
  export default PorterStemmerFr;
}
declare module 'natural/lib/natural/classifiers/bayes_classifier.js' {
  class BayesClassifier {
    addDocument(text: string | string[], label: string): void;
    train(): void;
    classify(text: string | string[]): string;
  }
  export default BayesClassifier;
}
declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_fr.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_es.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_pt.js' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_it.js' {
  export const words: string[];
}
